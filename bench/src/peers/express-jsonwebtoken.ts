// The peer: a protected route written the way the most-read Express + JWT guides write it (an
// `authenticateToken` middleware that splits the Bearer header and calls `jwt.verify` with a callback,
// then `res.json(req.user)`). No database read and no revocation check: it does less than `auth.me`,
// which is the point of comparing with what people commonly ship.
import type { AddressInfo } from 'node:net';

import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';

import { serveFromChild } from '../servers/child-process.js';

interface PeerConfig {
  /** The HS256 secret, the same the Latchkey API under test signs with, so one token serves both. */
  secret: string;
}

type AuthenticatedRequest = Request & { user?: unknown };

serveFromChild(async (config) => {
  // The parent sends this shape (http.ts); both ends are this package.
  const { secret } = config as PeerConfig;
  const app = express();

  function authenticateToken(request: AuthenticatedRequest, response: Response, next: NextFunction): void {
    const authHeader = request.headers.authorization;
    const token = authHeader?.split(' ')[1];
    if (token === undefined) {
      response.sendStatus(401);
      return;
    }
    jwt.verify(token, secret, (error, user) => {
      if (error !== null) {
        response.sendStatus(403);
        return;
      }
      request.user = user;
      next();
    });
  }

  app.get('/me', authenticateToken, (request: AuthenticatedRequest, response: Response) => {
    response.json(request.user);
  });

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
});
