// The only file of the example that reads process.env: the Latchkey API to trust, and this service's client.
export interface ServiceEnv {
  port: number;
  apiUrl: string;
  issuer: string;
  audience: string;
  serviceClient: { id: string; secret: string };
}

/** Reads the variables; throws one line naming the first one missing. */
export function readServiceEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): ServiceEnv {
  const required = (name: string): string => {
    const value = source[name];
    if (value === undefined || value === '') throw new Error(`Missing environment variable ${name}`);
    return value;
  };
  const apiUrl = required('LATCHKEY_API_URL');
  return {
    port: Number(source.PORT ?? '4000'),
    apiUrl,
    issuer: source.LATCHKEY_ISSUER ?? 'latchkey',
    audience: source.LATCHKEY_AUDIENCE ?? 'latchkey-api',
    serviceClient: { id: required('LATCHKEY_SERVICE_ID'), secret: required('LATCHKEY_SERVICE_SECRET') },
  };
}
