// A client built from the OpenAPI document alone, as a client in another language would be: it finds each
// operation by operationId, sends the request the document describes (POST with a JSON body, or GET with
// `?input=`), checks what it sends against the document's request schema and what comes back against the
// schema of the answer's status (ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1), and records which
// operation answered which status, so a test can demand that every operation was called.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenAPIObject, OperationObject, ReferenceObject, ResponseObject } from 'openapi3-ts/oas31';

const DOCUMENT_ID = 'latchkey-openapi';
// The OpenAPI keywords at the top of the document: not JSON Schema, so ajv must be told to leave them alone.
const OPENAPI_ROOT_KEYWORDS = ['openapi', 'info', 'paths', 'components', 'servers', 'security', 'tags'];

export interface OpenApiCall {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface OpenApiCallOptions {
  input?: unknown;
  accessToken?: string;
  headers?: Record<string, string>;
}

interface LocatedOperation {
  path: string;
  method: 'get' | 'post';
  operation: OperationObject;
}

function pointer(...segments: string[]): string {
  return segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

export class OpenApiClient {
  readonly #baseUrl: string;
  readonly #operations = new Map<string, LocatedOperation>();
  readonly #ajv = new Ajv2020({ allErrors: true, strict: true });
  /** operationId -> statuses it answered with, each validated. */
  readonly answered = new Map<string, Set<number>>();

  constructor(document: OpenAPIObject, baseUrl: string) {
    this.#baseUrl = baseUrl;
    addFormats.default(this.#ajv);
    this.#ajv.addVocabulary(OPENAPI_ROOT_KEYWORDS);
    this.#ajv.addSchema(document, DOCUMENT_ID);
    for (const [path, item] of Object.entries(document.paths ?? {}))
      for (const method of ['get', 'post'] as const) {
        const operation = item[method];
        if (operation?.operationId !== undefined)
          this.#operations.set(operation.operationId, { path, method, operation });
      }
  }

  get operationIds(): string[] {
    return [...this.#operations.keys()];
  }

  /** Calls one operation as the document describes it; throws when the request or the answer breaks the document. */
  async call(operationId: string, options: OpenApiCallOptions = {}): Promise<OpenApiCall> {
    const located = this.#operations.get(operationId);
    if (located === undefined) throw new Error(`the document has no operation ${operationId}`);
    const { path, method, operation } = located;
    const headers: Record<string, string> = { ...options.headers };
    if (options.accessToken !== undefined) headers.authorization = `Bearer ${options.accessToken}`;
    const url = new URL(path, this.#baseUrl);
    let body: string | undefined;
    if (options.input !== undefined) {
      const where =
        method === 'post'
          ? ['requestBody', 'content', 'application/json', 'schema']
          : ['parameters', '0', 'content', 'application/json', 'schema'];
      this.#validate(pointer('paths', path, method, ...where), options.input, `${operationId} request`);
      if (method === 'post') body = JSON.stringify(options.input);
      else url.searchParams.set('input', JSON.stringify(options.input));
    }
    if (method === 'post') headers['content-type'] = 'application/json';
    const response = await fetch(url, { method: method.toUpperCase(), headers, body });
    const answer: unknown = await response.json();
    const documented = operation.responses?.[String(response.status)] as
      ResponseObject | ReferenceObject | undefined;
    const schemaPointer =
      documented === undefined || '$ref' in documented
        ? // `default` and the shared responses all carry the error envelope.
          pointer('components', 'schemas', 'Error')
        : pointer(
            'paths',
            path,
            method,
            'responses',
            String(response.status),
            'content',
            'application/json',
            'schema',
          );
    if (documented === undefined && response.status < 500)
      throw new Error(`${operationId} answered ${response.status}, which the document does not list`);
    this.#validate(schemaPointer, answer, `${operationId} ${response.status} answer`);
    const statuses = this.answered.get(operationId) ?? new Set<number>();
    statuses.add(response.status);
    this.answered.set(operationId, statuses);
    return { status: response.status, body: answer, headers: response.headers };
  }

  #validate(schemaPointer: string, value: unknown, what: string): void {
    const validate = this.#ajv.getSchema(`${DOCUMENT_ID}#/${schemaPointer}`);
    if (validate === undefined) throw new Error(`${what}: the document has no schema at ${schemaPointer}`);
    if (!validate(value))
      throw new Error(
        `${what} does not match the document: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`,
      );
  }
}
