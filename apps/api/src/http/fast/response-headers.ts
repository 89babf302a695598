// The response headers tRPC's resolveResponse builds in a fetch `Headers` and its node adapter then copies onto
// the ServerResponse (`writeResponse`: `setHeader` per name, replacing what the server set before, Set-Cookie
// apart). A plain map with the same set/append rules gives the same wire headers without a Headers object.
import type { ServerResponse } from 'node:http';
import type { ResponseMeta } from '@trpc/server/http';

export class ResponseHeaders {
  // Lower-case name → value; `append` joins with ", " as Headers does (Set-Cookie is kept as a list).
  readonly #values = new Map<string, string>();
  readonly #setCookies: string[] = [];

  set(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') {
      this.#setCookies.length = 0;
      this.#setCookies.push(value);
      return;
    }
    this.#values.set(key, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') {
      this.#setCookies.push(value);
      return;
    }
    const existing = this.#values.get(key);
    this.#values.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }

  /** Applies `responseMeta().headers` as tRPC's `initResponse` does: arrays append, strings replace. */
  applyMeta(headers: ResponseMeta['headers']): void {
    if (headers === undefined) return;
    if (headers instanceof Headers) {
      for (const [name, value] of headers.entries()) this.append(name, value);
      return;
    }
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(value)) for (const item of value) this.append(name, item);
      else if (typeof value === 'string') this.set(name, value);
    }
  }

  /**
   * Copies the headers onto the response, replacing same-named ones; Set-Cookie only when tRPC would set it.
   * A fetch `Response` built from a string body adds `text/plain;charset=UTF-8` when no Content-Type was set
   * (tRPC's errors raised before it picks JSON, e.g. an oversized batch): the same default keeps the wire alike.
   */
  writeTo(response: ServerResponse): void {
    if (!this.#values.has('content-type')) this.#values.set('content-type', 'text/plain;charset=UTF-8');
    for (const [name, value] of this.#values) response.setHeader(name, value);
    if (this.#setCookies.length > 0) response.setHeader('set-cookie', this.#setCookies);
  }
}
