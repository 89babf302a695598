/** Who is calling, as far as audit and rate limits care. */
export interface ClientInfo {
  clientAddress: string;
  userAgent: string | null;
}
