// My tasks: when a done / skip request fails (signed out, task gone), say so on the card.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var card = event.detail.elt && event.detail.elt.closest(".task");
    if (!card) { return; }
    var box = card.querySelector(".task-error");
    var page = document.querySelector(".my-tasks");
    if (!box || !page) { return; }
    box.textContent = page.getAttribute("data-error-text") + " (" + event.detail.xhr.status + ")";
    box.hidden = false;
  });
})();

// A batch's 逐个复制: each tap copies the next open customer's own script and says whose it was.
(function () {
  "use strict";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-each]");
    if (!button) { return; }
    var card = document.querySelector(button.getAttribute("data-copy-each"));
    if (!card) { return; }
    var scripts = card.querySelectorAll("pre.batch-script");
    var status = card.querySelector(".copy-each-status");
    var next = Number(button.getAttribute("data-next") || "0");
    card.querySelectorAll(".batch-target.copying").forEach(function (row) { row.classList.remove("copying"); });
    if (next >= scripts.length) {
      button.setAttribute("data-next", "0");
      status.textContent = button.getAttribute("data-finished");
      status.hidden = false;
      return;
    }
    var script = scripts[next];
    window.siyuCopyText(script.textContent).then(function () {
      button.setAttribute("data-next", String(next + 1));
      script.closest(".batch-target").classList.add("copying", "copied");
      status.textContent = fill(button.getAttribute("data-progress"), {
        n: next + 1, total: scripts.length, name: script.getAttribute("data-name")
      });
      status.hidden = false;
    });
  });
})();
