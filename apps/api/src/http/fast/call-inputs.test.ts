// CallInputs reads a request's inputs by tRPC's rules (the differential test checks the same on the wire).
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { CallInputs, type CallInputsSource } from './call-inputs.js';

// tRPC's default transformer (no transformer configured): inputs pass through unchanged.
const identity = {
  serialize: (value: unknown): unknown => value,
  deserialize: (value: unknown): unknown => value,
};
const transformer = { input: identity, output: identity };

function inputs(source: Partial<CallInputsSource>): CallInputs {
  return new CallInputs({
    text: null,
    method: 'GET',
    isBatchCall: false,
    callCount: 1,
    transformer,
    ...source,
  });
}

function errorOf(read: () => unknown): TRPCError {
  try {
    read();
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the read to fail');
}

describe('CallInputs', () => {
  it('treats a missing or empty ?input= as no input', () => {
    expect(inputs({ text: null }).read(0)).toBeUndefined();
    expect(inputs({ text: '' }).read(0)).toBeUndefined();
  });

  it('reads a single call input, and reports it only once read', () => {
    const reader = inputs({ text: '{"title":"x"}' });
    expect(reader.result(0)).toBeUndefined();
    expect(reader.read(0)).toEqual({ title: 'x' });
    expect(reader.result(0)).toEqual({ title: 'x' });
  });

  it('turns malformed JSON into BAD_REQUEST with the parser message, the same error on every read', () => {
    const reader = inputs({ text: '{"title":' });
    const first = errorOf(() => reader.read(0));
    expect(first.code).toBe('BAD_REQUEST');
    expect(first.cause).toBeInstanceOf(SyntaxError);
    expect(first.message).toBe((first.cause as SyntaxError).message);
    expect(errorOf(() => reader.read(0))).toBe(first);
    expect(reader.result(0)).toBeUndefined();
  });

  it('drops one byte-order mark from a POST body, as fetch Request.json() does', () => {
    expect(inputs({ method: 'POST', text: '\uFEFF{"a":1}' }).read(0)).toEqual({ a: 1 });
    expect(errorOf(() => inputs({ method: 'POST', text: '\uFEFF\uFEFF{}' }).read(0)).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('reads batch inputs keyed by index, ignoring other keys', () => {
    const reader = inputs({ isBatchCall: true, callCount: 2, text: '{"0":{"a":1},"1":null,"2":{"b":2}}' });
    expect(reader.read(0)).toEqual({ a: 1 });
    expect(reader.read(1)).toBeNull();
    expect(reader.read(2)).toBeUndefined();
  });

  it.each(['[1,2]', '"text"', '3', 'null'])('refuses a batch input that is not an object: %s', (text) => {
    const error = errorOf(() => inputs({ isBatchCall: true, callCount: 2, text }).read(0));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('"input" needs to be an object when doing a batch call');
  });
});
