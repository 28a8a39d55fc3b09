// The page works without this script. With it, Delete asks first, and the
// page can reload itself every few seconds while nothing is open on it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) {
        ev.preventDefault();
      }
    });
  });

  var key = "webhook-console-refresh";
  var meta = document.querySelector("header .meta");
  if (!meta) {
    return;
  }
  var label = document.createElement("label");
  label.className = "refresh";
  var box = document.createElement("input");
  box.type = "checkbox";
  box.checked = sessionStorage.getItem(key) === "1";
  label.append(" · ", box, " refresh every 5 s");
  meta.append(label);
  box.addEventListener("change", function () {
    sessionStorage.setItem(key, box.checked ? "1" : "0");
  });
  setInterval(function () {
    var busy = document.querySelector("details[open]") ||
      (document.activeElement && document.activeElement.closest("form"));
    if (box.checked && !busy) {
      // Keep the filter; drop the result of an action: it was shown once.
      var params = new URLSearchParams(window.location.search);
      params.delete("result");
      var query = params.toString();
      window.location.replace(window.location.pathname + (query ? "?" + query : ""));
    }
  }, 5000);
});
