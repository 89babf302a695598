/**
 * Hono middleware (`@latchkey/verifier/hono`): refuses a request without a valid Latchkey access token and
 * sets the verified claims as `c.get('latchkey')`.
 *
 * @example
 * const app = new Hono<LatchkeyEnv>();
 * app.use('/orders/*', requireAccessToken(verifier));
 * app.get('/orders', (c) => c.json({ userId: c.get('latchkey').userId }));
 */
import type { MiddlewareHandler } from 'hono';
import type { Verifier } from './access-token-verifier.js';
import { authenticateBearer } from './bearer-authentication.js';
import type { AccessTokenClaims } from './token-profile.js';

/** The Hono environment the middleware fills in. */
export interface LatchkeyEnv {
  Variables: { latchkey: AccessTokenClaims };
}

export function requireAccessToken(verifier: Verifier): MiddlewareHandler<LatchkeyEnv> {
  return async (context, next) => {
    const result = await authenticateBearer(verifier, context.req.header('authorization'));
    if (!result.ok) return context.json(result.answer.body, result.answer.status, result.answer.headers);
    context.set('latchkey', result.claims);
    await next();
    return undefined;
  };
}
