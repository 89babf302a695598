/* global console */
// A scratch project's use of the packed @latchkey/auth: HS256 tokens, an argon2id hash and the password policy
// (whose common-password list is a data file the tarball must carry). Prints one JSON line.
import {
  AuthError,
  checkPasswordPolicy,
  createAccessTokenService,
  createPasswordHasher,
  generateJwtSecret,
  hmacSigningKeys,
  parseJwtSecret,
} from '@latchkey/auth';

const tokens = await createAccessTokenService({
  keys: hmacSigningKeys(parseJwtSecret(generateJwtSecret())),
  issuer: 'scratch',
  audience: 'scratch-api',
  ttlSeconds: 60,
});
const issued = await tokens.issue({
  userId: '7a6c3a52-8f63-4a43-9d1a-0f3b2d1c4e5f',
  sessionId: 'b1f0e2d3-4c5b-4a69-8788-99aabbccddee',
  role: 'user',
  authTime: new Date(),
});
const verified = await tokens.verify(issued.token);
let forged = null;
try {
  await tokens.verify(`${issued.token.slice(0, -2)}AA`);
} catch (error) {
  forged = error instanceof AuthError ? error.code : 'not an AuthError';
}

const passwords = createPasswordHasher({ memoryCostKiB: 19456, timeCost: 2, parallelism: 1 });
const hash = await passwords.hash('plum-orbit-cascade-71');
const rightPassword = await passwords.verify(hash, 'plum-orbit-cascade-71');
const wrongPassword = await passwords.verify(hash, 'plum-orbit-cascade-72');

let policy = null;
try {
  checkPasswordPolicy('password123', { username: 'ada' });
} catch (error) {
  policy = error instanceof AuthError ? error.detail : 'not an AuthError';
}

console.log(
  JSON.stringify({
    algorithm: tokens.algorithm,
    userId: verified.userId,
    forged,
    hashPrefix: hash.slice(0, 10),
    rightPassword,
    wrongPassword,
    policy,
  }),
);
