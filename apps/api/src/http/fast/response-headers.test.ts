// ResponseHeaders must put on the wire exactly what tRPC's node adapter copies from a fetch Response built with
// a `Headers` object: the property test applies the same set/append sequence to both and compares the result.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseHeaders } from './response-headers.js';

function blankResponse(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

/** What tRPC's `writeResponse` sets on the node response for a string body and these Headers. */
function viaFetchHeaders(headers: Headers): ServerResponse {
  const response = blankResponse();
  const fetchResponse = new Response('{}', { headers });
  for (const [name, value] of fetchResponse.headers) {
    if (name !== 'set-cookie') response.setHeader(name, value);
  }
  const cookies = fetchResponse.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader('set-cookie', cookies);
  return response;
}

const headerName = fc.constantFrom(
  'Vary',
  'vary',
  'Cache-Control',
  'Retry-After',
  'Set-Cookie',
  'Content-Type',
  'X-Custom',
);
const headerValue = fc.stringMatching(/^[A-Za-z0-9=;,/-]([A-Za-z0-9 =;,/-]{0,20}[A-Za-z0-9=;,/-])?$/);
const operation = fc.record({ kind: fc.constantFrom('set', 'append'), name: headerName, value: headerValue });

describe('ResponseHeaders', () => {
  it('writes what a fetch Headers object would, for any sequence of set and append', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 12 }), (operations) => {
        const ours = new ResponseHeaders();
        const theirs = new Headers();
        for (const { kind, name, value } of operations) {
          ours[kind](name, value);
          theirs[kind](name, value);
        }
        const response = blankResponse();
        ours.writeTo(response);
        expect(response.getHeaders()).toEqual(viaFetchHeaders(theirs).getHeaders());
      }),
    );
  });

  it('applies responseMeta headers as tRPC does: a string replaces, an array appends', () => {
    const headers = new ResponseHeaders();
    headers.set('vary', 'trpc-accept, accept');
    headers.set('cache-control', 'private');
    headers.applyMeta({ 'Cache-Control': 'no-store', Vary: ['Origin'], 'Retry-After': '30' });
    const response = blankResponse();
    response.setHeader('Vary', 'Origin');
    headers.writeTo(response);
    expect(response.getHeaders()).toEqual({
      vary: 'trpc-accept, accept, Origin',
      'cache-control': 'no-store',
      'retry-after': '30',
      'content-type': 'text/plain;charset=UTF-8',
    });
  });

  it('keeps a JSON content type once set, and cookies the procedure appended when it sets none', () => {
    const headers = new ResponseHeaders();
    headers.set('content-type', 'application/json');
    const response = blankResponse();
    response.appendHeader('Set-Cookie', 'a=1; HttpOnly');
    headers.writeTo(response);
    expect(response.getHeader('content-type')).toBe('application/json');
    expect(response.getHeader('set-cookie')).toBe('a=1; HttpOnly');
  });
});
