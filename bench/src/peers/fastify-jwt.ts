// The performance-minded peer: fastify 5 with @fastify/jwt (fast-jwt underneath) guarding one route, the
// plugin's own recipe (`onRequest: request.jwtVerify()`, then `return request.user`). It verifies the same
// HS256 token Latchkey issued, pinned to HS256, Latchkey's issuer and audience; it reads no user and checks
// no revocation, so it does less than `auth.me`. With `logger: true` (fastify's documented start, a line as
// each request arrives and one as it completes) its stdout goes to /dev/null like the API's request log.
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';

import { serveFromChild } from '../servers/child-process.js';

export interface FastifyPeerConfig {
  /** The HS256 secret the Latchkey API under test signs with, so one token serves both. */
  secret: string;
  issuer: string;
  audience: string;
  logger: boolean;
}

serveFromChild(async (config) => {
  // The parent sends this shape (http.ts); both ends are this package.
  const { secret, issuer, audience, logger } = config as FastifyPeerConfig;
  const app = Fastify({ logger });
  await app.register(fastifyJwt, {
    secret,
    verify: { algorithms: ['HS256'], allowedIss: issuer, allowedAud: audience },
  });
  // A synchronous handler returning the payload: fastify serializes it, as an async one would.
  app.get('/me', { onRequest: (request) => request.jwtVerify() }, (request, reply) => {
    void reply.send(request.user);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
});
