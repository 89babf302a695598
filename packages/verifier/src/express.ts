/**
 * Express middleware (`@latchkey/verifier/express`): refuses a request without a valid Latchkey access token
 * and puts the verified claims on `res.locals.latchkey`. Express 4 and 5.
 *
 * @example
 * app.use('/orders', requireAccessToken(verifier));
 * app.get('/orders', (req, res) => res.json({ userId: res.locals.latchkey.userId }));
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Verifier } from './access-token-verifier.js';
import { authenticateBearer } from './bearer-authentication.js';
import type { AccessTokenClaims } from './token-profile.js';

/** `res.locals` after the middleware ran. */
export interface LatchkeyLocals {
  latchkey: AccessTokenClaims;
}

export function requireAccessToken(verifier: Verifier): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    authenticateBearer(verifier, request.get('authorization')).then((result) => {
      if (result.ok) {
        (response.locals as LatchkeyLocals).latchkey = result.claims;
        next();
        return;
      }
      response.status(result.answer.status).set(result.answer.headers).json(result.answer.body);
    }, next);
  };
}
