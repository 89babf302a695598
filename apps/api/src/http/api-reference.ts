// GET /openapi.json (every environment) and, in development only, GET /docs: the document rendered by Swagger UI,
// served from the swagger-ui-dist package in node_modules, so the page works with no outside network and loads
// nothing from a CDN. The page's own script is a file, not inline, so its Content-Security-Policy allows
// scripts from this origin alone.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument } from '../openapi/openapi-document.js';

export const REFERENCE_PAGE_PATH = '/docs';

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes as it renders.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Latchkey API reference</title>
    <link rel="stylesheet" href="${REFERENCE_PAGE_PATH}/swagger-ui.css" />
  </head>
  <body>
    <div id="reference"></div>
    <script src="${REFERENCE_PAGE_PATH}/swagger-ui-bundle.js"></script>
    <script src="${REFERENCE_PAGE_PATH}/reference.js"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an outside validator for its badge.
const PAGE_SCRIPT = `window.SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_DOCUMENT_PATH)},
  dom_id: '#reference',
  validatorUrl: null,
  tryItOutEnabled: false,
});
`;

// The only files served from the package: a fixed list, so no request path ever reaches the file system.
const PACKAGE_FILES: Record<string, { file: string; contentType: string }> = {
  [`${REFERENCE_PAGE_PATH}/swagger-ui.css`]: {
    file: 'swagger-ui.css',
    contentType: 'text/css; charset=utf-8',
  },
  [`${REFERENCE_PAGE_PATH}/swagger-ui-bundle.js`]: {
    file: 'swagger-ui-bundle.js',
    contentType: 'text/javascript; charset=utf-8',
  },
};

function send(
  response: ServerResponse,
  contentType: string,
  body: string | Buffer,
  cacheControl: string,
): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Cache-Control', cacheControl);
  response.end(body);
}

export interface ApiReference {
  /** Answers the request and returns true when `pathname` is the document or (in development) the page. */
  serve(pathname: string, response: ServerResponse): Promise<boolean>;
}

export function createApiReference(options: { servePage: boolean }): ApiReference {
  let document: string | null = null;
  const packageDirectory = (): string =>
    dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return {
    async serve(pathname, response) {
      if (pathname === OPENAPI_DOCUMENT_PATH) {
        // Built once, on first request: the routers do not change while the process runs.
        document ??= serializeOpenApiDocument();
        send(response, 'application/json', document, 'no-cache');
        return true;
      }
      if (!options.servePage) return false;
      if (pathname === REFERENCE_PAGE_PATH || pathname === `${REFERENCE_PAGE_PATH}/`) {
        response.setHeader('Content-Security-Policy', PAGE_CSP);
        send(response, 'text/html; charset=utf-8', PAGE_HTML, 'no-cache');
        return true;
      }
      if (pathname === `${REFERENCE_PAGE_PATH}/reference.js`) {
        send(response, 'text/javascript; charset=utf-8', PAGE_SCRIPT, 'no-cache');
        return true;
      }
      const asset = PACKAGE_FILES[pathname];
      if (asset === undefined) return false;
      send(response, asset.contentType, await readFile(join(packageDirectory(), asset.file)), 'no-cache');
      return true;
    },
  };
}
