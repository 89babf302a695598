// The example's whole service: one public route and one that needs a Latchkey access token.
import { Hono } from 'hono';
import type { Verifier } from '@latchkey/verifier';
import { requireAccessToken, type LatchkeyEnv } from '@latchkey/verifier/hono';

export function createBillingApp(verifier: Verifier): Hono<LatchkeyEnv> {
  const app = new Hono<LatchkeyEnv>();
  app.get('/healthz', (context) => context.json({ status: 'ok' }));
  app.use('/invoices/*', requireAccessToken(verifier));
  app.get('/invoices/mine', (context) => {
    const { userId, role } = context.get('latchkey');
    return context.json({ userId, role, invoices: [] });
  });
  return app;
}
