/* global console */
// A scratch project's use of the packed @latchkey/verifier with the packed @latchkey/auth it ships beside (auth
// imports its token profile): a token signed by auth with an EdDSA key, verified by the verifier against a
// JWKS served over HTTP, and a token of another audience refused. Prints one JSON line.
import { createServer } from 'node:http';
import { createAccessTokenService, generateSigningKey, keySetSigningKeys, parseKeySet } from '@latchkey/auth';
import { VerifierError, bearerToken, createVerifier } from '@latchkey/verifier';
import { ACCESS_TOKEN_TYPE } from '@latchkey/verifier/profile';

const key = await generateSigningKey('EdDSA');
const { d: _privatePart, ...publicJwk } = key.privateJwk;
const jwks = JSON.stringify({ keys: [{ ...publicJwk, kid: key.kid, alg: key.alg, use: 'sig' }] });
const server = createServer((request, response) => {
  if (request.url !== '/.well-known/jwks.json') {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

const subject = {
  userId: '7a6c3a52-8f63-4a43-9d1a-0f3b2d1c4e5f',
  sessionId: 'b1f0e2d3-4c5b-4a69-8788-99aabbccddee',
  role: 'user',
  authTime: new Date(),
};
const keys = keySetSigningKeys(parseKeySet({ keys: [key] }));
const tokensFor = (audience) =>
  createAccessTokenService({ keys, issuer: 'scratch', audience, ttlSeconds: 60 });
const issued = await (await tokensFor('scratch-api')).issue(subject);
const elsewhere = await (await tokensFor('another-api')).issue(subject);

const verifier = createVerifier({
  apiUrl,
  issuer: 'scratch',
  audience: 'scratch-api',
  revocations: 'ignore',
});
await verifier.start();
const claims = await verifier.verify(bearerToken(`Bearer ${issued.token}`) ?? '');
let otherAudience = null;
try {
  await verifier.verify(elsewhere.token);
} catch (error) {
  otherAudience = error instanceof VerifierError ? `${error.code} ${error.detail}` : 'not a VerifierError';
}
await verifier.stop();
server.close();

console.log(
  JSON.stringify({
    algorithm: key.alg,
    type: ACCESS_TOKEN_TYPE,
    userId: claims.userId,
    sessionId: claims.sessionId,
    role: claims.role,
    otherAudience,
  }),
);
