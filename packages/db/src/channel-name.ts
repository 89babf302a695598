// PGlite's listen() interpolates the channel into `LISTEN <channel>` unquoted, so a channel name is held
// to a plain lower-case identifier before it reaches either driver (and both drivers then agree on it).
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `channel` is a plain lower-case SQL identifier (at most 63 bytes, PostgreSQL's NAMEDATALEN - 1). */
export function assertChannelName(channel: string): void {
  if (!CHANNEL_NAME.test(channel)) {
    throw new TypeError(`Invalid LISTEN/NOTIFY channel name: ${JSON.stringify(channel)}`);
  }
}
