// The inputs of one tRPC request, read the way tRPC 11.22.1's JSON content handler reads them
// (@trpc/server src/unstable-core-do-not-import/http/contentType.ts, `jsonContentTypeHandler`): lazily, on the
// first call whose procedure asks for input, once for the whole batch, and with the same errors, so a procedure
// without an input parser never sees malformed input and a bad `?input=` fails exactly the calls that read it.
import { TRPCError, type TRPCCombinedDataTransformer } from '@trpc/server';

type InputRecord = Record<number, unknown>;

type ReadState = { status: 'read'; inputs: InputRecord } | { status: 'failed'; error: TRPCError };
type InputState = { status: 'unread' } | ReadState;

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === 'object';
}

// undici's `Request.json()` (what tRPC calls on a POST) drops one leading byte-order mark before JSON.parse.
const BYTE_ORDER_MARK = 0xfeff;

export interface CallInputsSource {
  /** GET: the `input` query parameter (null when absent). POST: the request body as text. */
  text: string | null;
  method: 'GET' | 'POST';
  isBatchCall: boolean;
  callCount: number;
  transformer: TRPCCombinedDataTransformer;
}

/** Reads and caches the inputs of every call of one request; see the file comment for the rules. */
export class CallInputs {
  readonly #source: CallInputsSource;
  #state: InputState = { status: 'unread' };

  constructor(source: CallInputsSource) {
    this.#source = source;
  }

  /** The raw input of call `index`: throws the request's input error (a TRPCError) when the inputs are malformed. */
  read(index: number): unknown {
    const state = this.#state.status === 'unread' ? (this.#state = this.#parse()) : this.#state;
    if (state.status === 'failed') throw state.error;
    return state.inputs[index];
  }

  /** The input of call `index` if the inputs were already read successfully (what tRPC reports to onError). */
  result(index: number): unknown {
    return this.#state.status === 'read' ? this.#state.inputs[index] : undefined;
  }

  #parse(): ReadState {
    try {
      return { status: 'read', inputs: this.#inputs() };
    } catch (cause) {
      // tRPC's `memo` keeps a TRPCError as it is and turns anything else into BAD_REQUEST with its message.
      if (cause instanceof TRPCError) return { status: 'failed', error: cause };
      return {
        status: 'failed',
        error: new TRPCError({
          code: 'BAD_REQUEST',
          message: cause instanceof Error ? cause.message : 'Invalid input',
          cause,
        }),
      };
    }
  }

  #inputs(): InputRecord {
    const { text, method, isBatchCall, callCount, transformer } = this.#source;
    let inputs: unknown = undefined;
    if (method === 'GET') {
      // An empty `?input=` counts as no input, as in tRPC (`if (queryInput)`).
      if (text) inputs = JSON.parse(text);
    } else {
      const body = text ?? '';
      inputs = JSON.parse(body.charCodeAt(0) === BYTE_ORDER_MARK ? body.slice(1) : body);
    }
    const record: InputRecord = Object.create(null) as InputRecord;
    if (inputs === undefined) return record;
    if (!isBatchCall) {
      record[0] = transformer.input.deserialize(inputs);
      return record;
    }
    if (!isObject(inputs)) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: '"input" needs to be an object when doing a batch call',
      });
    }
    for (let index = 0; index < callCount; index += 1) {
      const input = inputs[index];
      if (input !== undefined) record[index] = transformer.input.deserialize(input);
    }
    return record;
  }
}
