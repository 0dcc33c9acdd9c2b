// Renders /api/openapi.json with Swagger UI, every asset served by the API itself (no CDN).
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
});
