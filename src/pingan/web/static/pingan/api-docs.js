// Starts Swagger UI on the API document named by the page. A file, not an inline script, so the
// Content-Security-Policy (script-src 'self') holds; no validator badge is fetched from outside.
(function () {
  "use strict";
  var data = document.body.dataset;
  window.SwaggerUIBundle({
    url: data.openapiUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    requestInterceptor: function (request) {
      if (data.csrfToken) {
        request.headers["X-CSRFToken"] = data.csrfToken;
      }
      return request;
    },
  });
})();
