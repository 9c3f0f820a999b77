// Swagger UI from the vendored bundle; "Try it out" uses the session cookie and CSRF header.
const root = document.getElementById("swagger-ui");
const csrf = document.querySelector('meta[name="csrf-token"]');

window.SwaggerUIBundle({
  url: root.dataset.specUrl,
  domNode: root,
  deepLinking: true,
  validatorUrl: null,
  requestInterceptor: (request) => {
    if (csrf && request.method && request.method.toUpperCase() !== "GET") {
      request.headers["X-CSRF-Token"] = csrf.content;
    }
    return request;
  },
});
