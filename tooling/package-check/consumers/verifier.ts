// Type-checked against the packed declarations only (strict, NodeNext, skipLibCheck off).
import {
  VerifierError,
  createVerifier,
  type AccessTokenClaims,
  type VerifierErrorCode,
} from '@latchkey/verifier';
import { ACCESS_TOKEN_TYPE } from '@latchkey/verifier/profile';

export async function userOf(
  apiUrl: string,
  token: string,
): Promise<{ userId: string } | { failed: VerifierErrorCode }> {
  const verifier = createVerifier({
    apiUrl,
    issuer: 'scratch',
    audience: 'scratch-api',
    serviceClient: { id: 'orders', secret: 'a secret' },
  });
  await verifier.start();
  try {
    const claims: AccessTokenClaims = await verifier.verify(token);
    const expiresAt: Date = claims.expiresAt;
    return expiresAt > new Date() ? { userId: claims.userId } : { failed: 'TOKEN_EXPIRED' };
  } catch (error) {
    if (error instanceof VerifierError) return { failed: error.code };
    throw error;
  } finally {
    await verifier.stop();
  }
}

export const tokenType: string = ACCESS_TOKEN_TYPE;

// @ts-expect-error: the declarations are real, not `any`: the mode is 'jwks' or 'introspection'.
void createVerifier({ apiUrl: 'http://localhost:3000', issuer: 'i', audience: 'a', mode: 'remote' });
