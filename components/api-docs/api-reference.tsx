"use client";

// The API reference: Swagger UI (swagger-ui-dist, copied to /swagger-ui at postinstall) rendering
// GET /api/openapi.json. Chosen over Scalar and Redoc because its standalone bundle loads nothing
// from elsewhere once its validator badge is off (Scalar's fetches fonts from its CDN by default),
// and "Try it out" sends same-origin JSON with the session cookie, which the API accepts.
import Script from "next/script";
import { useEffect, useRef, useState } from "react";

type SwaggerUIBundle = (options: Record<string, unknown>) => unknown;

declare global {
  interface Window {
    SwaggerUIBundle?: SwaggerUIBundle;
  }
}

export const OPENAPI_URL = "/api/openapi.json";

export function ApiReference() {
  const host = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!loaded || !host.current || !window.SwaggerUIBundle) return;
    window.SwaggerUIBundle({
      url: OPENAPI_URL,
      domNode: host.current,
      // null: no badge fetched from validator.swagger.io (the page must not leave our origin).
      validatorUrl: null,
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false,
      persistAuthorization: false,
    });
  }, [loaded]);

  return (
    <div className="rb-home rb-home-wide">
      <div className="rb-home-top">
        <div>
          <h1>API reference</h1>
          <p className="rb-muted" style={{ margin: "4px 0 0" }}>
            Every route, its access, request and answers, from <a href={OPENAPI_URL}>{OPENAPI_URL}</a> (OpenAPI 3.1). Other systems call{" "}
            <code>POST /api/rules/&#123;id&#125;/execute</code> with an API key; each rule&apos;s <em>Call</em> tab has ready snippets.
          </p>
        </div>
      </div>
      <link rel="stylesheet" href="/swagger-ui/swagger-ui.css" precedence="default" />
      <Script src="/swagger-ui/swagger-ui-bundle.js" strategy="afterInteractive" onReady={() => setLoaded(true)} onError={() => setFailed(true)} />
      {failed && (
        <p role="alert" className="rb-alert">
          The reference viewer could not be loaded (public/swagger-ui is made at npm install). The document itself is at <a href={OPENAPI_URL}>{OPENAPI_URL}</a>.
        </p>
      )}
      <div ref={host} className="rb-api-reference" aria-label="API reference" role="region" />
    </div>
  );
}
