// The browsable OpenAPI description of /api/queries (Swagger UI, vendored).
window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", validatorUrl: null });
});
