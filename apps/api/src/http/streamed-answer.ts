// Whether tRPC's adapter will stream this request's answer (httpBatchStreamLink): it then sends the status and
// headers before any procedure runs, so nothing a procedure does can add a header, Set-Cookie included.
// Follows @trpc/server 11.22.1 `getAcceptHeader` (src/unstable-core-do-not-import/http/contentType.ts):
// `trpc-accept` when present, else `application/jsonl` among the types of `Accept`. An unbatched request that
// asks for a stream is refused by tRPC before any procedure runs, so it needs no case here.
import type { IncomingHttpHeaders } from 'node:http';

const STREAM_MEDIA_TYPE = 'application/jsonl';

/** True when the answer to a request with these headers goes out as a JSON-lines stream. */
export function answersAsStream(headers: IncomingHttpHeaders): boolean {
  const trpcAccept = headers['trpc-accept'];
  if (trpcAccept !== undefined) return trpcAccept === STREAM_MEDIA_TYPE;
  return headers.accept?.split(',').some((type) => type.trim() === STREAM_MEDIA_TYPE) === true;
}
