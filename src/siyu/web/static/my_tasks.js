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
