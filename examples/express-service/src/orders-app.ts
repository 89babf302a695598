// The example's whole service: one public route and one that needs a Latchkey access token.
import express, { type Express, type Response } from 'express';
import type { Verifier } from '@latchkey/verifier';
import { requireAccessToken, type LatchkeyLocals } from '@latchkey/verifier/express';

export function createOrdersApp(verifier: Verifier): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.use('/orders', requireAccessToken(verifier));
  app.get('/orders/mine', (_request, response: Response<unknown, LatchkeyLocals>) => {
    const { userId, role } = response.locals.latchkey;
    response.json({ userId, role, orders: [] });
  });
  return app;
}
