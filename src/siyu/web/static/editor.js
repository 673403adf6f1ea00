// SOP editor: tabs, and telling the server which side was edited last. Everything else is htmx:
// an edit fires `form-edited` or `yaml-edited` (debounced by the hx-trigger that listens), the
// server answers the other side, the problems and the audience key.
(function () {
  "use strict";

  function editor() { return document.getElementById("editor"); }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-tab]");
    if (!tab || !editor() || !editor().contains(tab)) { return; }
    var name = tab.getAttribute("data-tab");
    editor().querySelectorAll("[data-tab]").forEach(function (button) {
      button.setAttribute("aria-selected", String(button === tab));
    });
    editor().querySelectorAll("[data-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-panel") !== name;
    });
  });

  // While the server re-renders the form (a structural choice, a button, a YAML edit), the form
  // takes no input: the answer replaces it, and what was typed or chosen meanwhile would be lost.
  function rerenders(elt) {
    var path = elt && elt.getAttribute && elt.getAttribute("hx-post");
    return path === "/sop-editor/yaml" || (path === "/sop-editor/form" && !!elt.closest("#form-panel"));
  }
  function freeze(on) {
    var panel = document.getElementById("form-panel");
    if (panel) { panel.inert = on; }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (rerenders(event.detail.elt)) { freeze(true); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var path = event.detail.requestConfig && event.detail.requestConfig.path;
    if (path === "/sop-editor/form" || path === "/sop-editor/yaml") { freeze(false); }
  });

  document.addEventListener("input", function (event) {
    var form = editor();
    var target = event.target;
    if (!form || !form.contains(target) || !target.name || target.hasAttribute("data-structural")) { return; }
    if (["origin", "last", "audience_key", "csrf_token", "days"].indexOf(target.name) >= 0) { return; }
    var fromYaml = target.id === "yaml-source";
    document.getElementById("editor-last").value = fromYaml ? "yaml" : "form";
    if (window.htmx) { window.htmx.trigger(document.body, fromYaml ? "yaml-edited" : "form-edited"); }
  });
})();
