/**
 * A service client's credentials, as the API's service endpoints expect them: HTTP Basic with the id and the
 * secret each form-urlencoded first (RFC 6749 §2.3.1, which RFC 7662 §2.1 points at).
 */
export interface ServiceClientCredentials {
  /** The id in the API's SERVICE_CLIENTS. */
  id: string;
  /** The secret `pnpm latchkey service-client <id>` printed. */
  secret: string;
}

/** The `Authorization` header value for the credentials. */
export function basicAuthorization(credentials: ServiceClientCredentials): string {
  const pair = `${encodeURIComponent(credentials.id)}:${encodeURIComponent(credentials.secret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}
