// Type-checked against the packed declarations only (strict, NodeNext, skipLibCheck off).
import {
  AuthError,
  createAccessTokenService,
  hmacSigningKeys,
  parseJwtSecret,
  type VerifiedAccessToken,
} from '@latchkey/auth';

export async function verify(
  secret: string,
  token: string,
): Promise<VerifiedAccessToken | AuthError['code']> {
  const tokens = await createAccessTokenService({
    keys: hmacSigningKeys(parseJwtSecret(secret)),
    issuer: 'scratch',
    audience: 'scratch-api',
    ttlSeconds: 60,
  });
  try {
    const verified: VerifiedAccessToken = await tokens.verify(token);
    const expiresAt: Date = verified.expiresAt;
    return expiresAt > new Date() ? verified : 'TOKEN_EXPIRED';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

const wrongOptions = {
  keys: hmacSigningKeys(new Uint8Array(32)),
  issuer: 'scratch',
  audience: 'scratch-api',
  ttlSeconds: '60',
};
// @ts-expect-error: the declarations are real, not `any`: ttlSeconds is a number.
void createAccessTokenService(wrongOptions);
