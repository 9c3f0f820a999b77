// Applies the saved light/dark theme before the page paints (a classic script, not a module),
// and wires the navbar's theme button once the page is parsed.
(function () {
  "use strict";
  var KEY = "tallybook-theme";
  function preferred() {
    var saved = null;
    try {
      saved = localStorage.getItem(KEY);
    } catch (e) {
      /* storage may be disabled */
    }
    if (saved === "light" || saved === "dark") return saved;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function apply(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
    document.querySelectorAll("[data-theme-toggle] i").forEach(function (icon) {
      icon.className = theme === "dark" ? "bi bi-sun" : "bi bi-moon-stars";
    });
  }
  apply(preferred());
  document.addEventListener("DOMContentLoaded", function () {
    apply(preferred());
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var next = document.documentElement.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
        try {
          localStorage.setItem(KEY, next);
        } catch (e) {
          /* keep it for this page only */
        }
        apply(next);
      });
    });
  });
})();
