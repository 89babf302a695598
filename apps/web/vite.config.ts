// The web app's build and dev server. Workspace packages are consumed as TypeScript source through the
// `@latchkey/source` export condition (docs/internals.md), so `pnpm dev` never needs a build of the client.
// The dev server proxies the API's paths so the app and the API share one origin: the refresh cookie is
// then same-site and SameSite=Strict, and no CORS is involved.
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, loadEnv } from 'vite';
import type { Plugin } from 'vite';

/** Where `pnpm dev` finds the API; LATCHKEY_API_ORIGIN overrides it (e.g. another port). */
const apiOrigin = process.env.LATCHKEY_API_ORIGIN ?? 'http://localhost:3000';

export const apiProxyPaths = ['/trpc', '/healthz', '/readyz', '/.well-known'] as const;

/**
 * A Content-Security-Policy for the production build (OWASP XSS Prevention Cheat Sheet: CSP as defence in
 * depth). The built app has no inline script or style, so nothing but our own files may run: an injected
 * `<script>` cannot execute, and one that did could only talk to this origin and the API. Not in dev, where
 * Vite injects inline scripts for hot reload.
 */
function contentSecurityPolicy(apiUrl: string | undefined): Plugin {
  const apiConnect = apiUrl !== undefined && /^https?:\/\//.test(apiUrl) ? ` ${new URL(apiUrl).origin}` : '';
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${apiConnect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
  return {
    name: 'latchkey-content-security-policy',
    apply: 'build',
    // Right after the charset, before any script or stylesheet it has to govern.
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
      ),
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  return {
    plugins: [react(), contentSecurityPolicy(env.VITE_LATCHKEY_API_URL)],
    resolve: { conditions: ['@latchkey/source', ...defaultClientConditions] },
    server: {
      port: 5173,
      strictPort: true,
      proxy: Object.fromEntries(apiProxyPaths.map((path) => [path, { target: apiOrigin }])),
    },
    build: { outDir: 'dist', sourcemap: true },
  };
});
