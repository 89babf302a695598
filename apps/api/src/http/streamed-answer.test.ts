import { describe, expect, it } from 'vitest';
import { answersAsStream } from './streamed-answer.js';

describe('answersAsStream', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['trpc-accept: application/jsonl (httpBatchStreamLink)', { 'trpc-accept': 'application/jsonl' }, true],
    ['Accept listing application/jsonl', { accept: 'text/html, application/jsonl' }, true],
    [
      'trpc-accept of another type, even with Accept jsonl',
      { 'trpc-accept': 'application/json', accept: 'application/jsonl' },
      false,
    ],
    ['Accept: text/event-stream', { accept: 'text/event-stream' }, false],
    ['Accept naming jsonl only as a parameter', { accept: 'application/json; q=application/jsonl' }, false],
    ['no Accept at all', {}, false],
  ])('%s: %s', (_name, headers, streamed) => {
    expect(answersAsStream(headers)).toBe(streamed);
  });
});
