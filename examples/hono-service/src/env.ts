// The only file of the example that reads process.env: the Latchkey API to trust, and this service's client.
export interface ServiceEnv {
  port: number;
  apiUrl: string;
  issuer: string;
  audience: string;
  /** LATCHKEY_MODE: `jwks` (the default) or `introspection` (an API on HS256 publishes no key to verify with). */
  mode: 'jwks' | 'introspection';
  serviceClient: { id: string; secret: string };
}

/** Reads the variables; throws one line naming the first one missing or wrong. */
export function readServiceEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): ServiceEnv {
  const required = (name: string): string => {
    const value = source[name];
    if (value === undefined || value === '') throw new Error(`Missing environment variable ${name}`);
    return value;
  };
  const mode = source.LATCHKEY_MODE ?? 'jwks';
  if (mode !== 'jwks' && mode !== 'introspection') {
    throw new Error('Invalid environment variable LATCHKEY_MODE: expected jwks or introspection');
  }
  return {
    port: Number(source.PORT ?? '4001'),
    apiUrl: required('LATCHKEY_API_URL'),
    issuer: source.LATCHKEY_ISSUER ?? 'latchkey',
    audience: source.LATCHKEY_AUDIENCE ?? 'latchkey-api',
    mode,
    serviceClient: { id: required('LATCHKEY_SERVICE_ID'), secret: required('LATCHKEY_SERVICE_SECRET') },
  };
}
