// Applies the saved light/dark theme before the page paints (a classic script, not a module),
// and wires the navbar's theme button once the page is parsed.
(() => {
  const KEY = "tallybook-theme";
  function preferred() {
    let saved = null;
    try {
      saved = localStorage.getItem(KEY);
    } catch {
      // Storage may be disabled.
    }
    if (saved === "light" || saved === "dark") return saved;
    return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function apply(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
    for (const icon of document.querySelectorAll("[data-theme-toggle] i")) {
      icon.className = theme === "dark" ? "bi bi-sun" : "bi bi-moon-stars";
    }
  }
  apply(preferred());
  document.addEventListener("DOMContentLoaded", () => {
    apply(preferred());
    for (const button of document.querySelectorAll("[data-theme-toggle]")) {
      button.addEventListener("click", () => {
        const next = document.documentElement.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
        try {
          localStorage.setItem(KEY, next);
        } catch {
          // Keep it for this page only.
        }
        apply(next);
      });
    }
  });
})();
