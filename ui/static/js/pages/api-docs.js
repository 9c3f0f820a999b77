// Swagger UI from the vendored bundle; "Try it out" uses the session cookie and CSRF header.
const root = document.getElementById("swagger-ui");
const csrf = document.querySelector('meta[name="csrf-token"]');

// Swagger UI's own dark mode is a class on <html>: keep it with the app's theme (theme.js).
const html = document.documentElement;
const followTheme = () => html.classList.toggle("dark-mode", html.getAttribute("data-bs-theme") === "dark");
followTheme();
new MutationObserver(followTheme).observe(html, { attributes: true, attributeFilter: ["data-bs-theme"] });

// Swagger UI draws the request body's text box without a label: give it a name.
const NamedTextArea = () => ({
  wrapComponents: {
    TextArea: (Original, system) => (props) => {
      const body = String(props.className).includes("body-param__text");
      return system.React.createElement(Original, body ? { "aria-label": "Request body", ...props } : props);
    },
  },
});

window.SwaggerUIBundle({
  url: root.dataset.specUrl,
  domNode: root,
  // Deep links would put a link inside each operation's button (a control in a control).
  deepLinking: false,
  validatorUrl: null,
  plugins: [NamedTextArea],
  // Its default colours for examples fall short of 4.5:1 on their dark background.
  syntaxHighlight: { theme: "tomorrow-night" },
  requestInterceptor: (request) => {
    if (csrf && request.method && request.method.toUpperCase() !== "GET") {
      request.headers["X-CSRF-Token"] = csrf.content;
    }
    return request;
  },
});
