// Reads a request body with a hard cap before tRPC sees it: a body over BODY_LIMIT_BYTES is a 413 without
// buffering the rest, and the decoded text is handed to tRPC as `req.body` so it is never read twice.
import type { IncomingMessage } from 'node:http';

export type BodyReadResult = { ok: true; text: string } | { ok: false; status: 413 | 400; message: string };

export function readBodyWithLimit(request: IncomingMessage, limitBytes: number): Promise<BodyReadResult> {
  const tooLarge: BodyReadResult = {
    ok: false,
    status: 413,
    message: `Request body larger than ${limitBytes} bytes`,
  };
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      // Stop reading; the caller answers 413 with `Connection: close`, which ends the upload.
      cleanup();
      request.pause();
      resolve(tooLarge);
    };
    const onEnd = (): void => {
      cleanup();
      try {
        // fatal: invalid UTF-8 is the caller's mistake (400), not something to repair silently.
        resolve({ ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) });
      } catch {
        resolve({ ok: false, status: 400, message: 'Request body is not valid UTF-8' });
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
