import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validationMessage } from './validation-message.js';

function failureOf(schema: z.ZodType, input: unknown): z.ZodError {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to fail');
  return result.error;
}

const taskInput = z.strictObject({ title: z.string().trim().min(1).max(1000) });

describe('validationMessage', () => {
  it('names the field and says what is wrong in one line', () => {
    expect(validationMessage(failureOf(taskInput, { title: 'x'.repeat(1001) }))).toBe(
      'title: Too big: expected string to have <=1000 characters',
    );
  });

  it('says a missing field is missing', () => {
    expect(validationMessage(failureOf(taskInput, {}))).toBe(
      'title: Invalid input: expected string, received undefined',
    );
  });

  it('has no field for a problem with the input as a whole', () => {
    expect(validationMessage(failureOf(taskInput, 'a string'))).toBe(
      'Invalid input: expected object, received string',
    );
  });

  it('counts the further problems instead of listing them', () => {
    const schema = z.strictObject({ a: z.string(), b: z.string(), c: z.string() });
    expect(validationMessage(failureOf(schema, {}))).toBe(
      'a: Invalid input: expected string, received undefined (and 2 more problems)',
    );
  });

  it('joins a nested path with dots', () => {
    const schema = z.strictObject({ items: z.array(z.strictObject({ id: z.uuid() })) });
    expect(validationMessage(failureOf(schema, { items: [{ id: 'no' }] }))).toBe('items.0.id: Invalid UUID');
  });

  it('keeps a hostile unknown key short and on one line', () => {
    const message = validationMessage(
      failureOf(taskInput, { title: 't', [`a\0b\n${'k'.repeat(1_000_000)}`]: 1 }),
    );
    expect(message).not.toMatch(/\p{Cc}/u);
    expect(message.length).toBeLessThanOrEqual(300);
    expect(message.startsWith('Unrecognized key: "a\uFFFDb\uFFFDkkk')).toBe(true);
  });
});
