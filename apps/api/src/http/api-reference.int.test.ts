// GET /openapi.json everywhere; the rendered reference page (/docs) in development only, from node_modules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/test-api.js';

let development: TestApi;
let production: TestApi;
beforeAll(async () => {
  development = await startTestApi({ env: { NODE_ENV: 'development' } });
  production = await startTestApi({ env: { NODE_ENV: 'production', COOKIE_SECURE: '1' } });
});
afterAll(async () => {
  await development.close();
  await production.close();
});

describe('the API reference', () => {
  it('serves the OpenAPI document in production too', async () => {
    const response = await fetch(`${production.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('serves no reference page outside development', async () => {
    for (const path of ['/docs', '/docs/swagger-ui-bundle.js', '/docs/reference.js'])
      expect((await fetch(`${production.url}${path}`)).status).toBe(404);
  });

  it('serves the page in development under a policy that allows this origin only', async () => {
    const page = await fetch(`${development.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    const html = await page.text();
    // Every script and stylesheet is a path on this server: nothing from a CDN.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources).toEqual(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/reference.js']);
    for (const source of sources) {
      const asset = await fetch(`${development.url}${source ?? ''}`);
      expect([source, asset.status]).toEqual([source, 200]);
      expect((await asset.text()).length).toBeGreaterThan(0);
    }
    const script = await (await fetch(`${development.url}/docs/reference.js`)).text();
    expect(script).toContain('"/openapi.json"');
    expect(script).toContain('validatorUrl: null');
  });

  it('serves only the files it names from the package, whatever the path asks for', async () => {
    for (const path of ['/docs/package.json', '/docs/../package.json', '/docs/index.html', '/docs/%2e%2e/x'])
      expect((await fetch(`${development.url}${path}`)).status).toBe(404);
  });
});
