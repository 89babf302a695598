// The OpenAPI 3.1 document of the tRPC wire this API already serves, for clients in other languages: each
// procedure is one operation at its own tRPC path (`POST /trpc/auth.login` with the input as the JSON body,
// `GET /trpc/auth.me` with `?input=` when a query takes one), answered in tRPC's `{ result: { data } }` or
// `{ error }` envelope. It describes /trpc rather than adding REST routes beside it (trpc-to-openapi's way), so
// every documented call still goes through the one pipeline that enforces the body cap, JSON depth, CSRF on
// cookie calls, the streamed-call refusal, rate limits and the error shape (apps/api/README.md, OpenAPI).
// Inputs come from the routers' own zod schemas, outputs from wire-schemas.ts, typed against the router in
// procedure-docs.ts; zod 4's JSON Schema conversion writes both, openapi3-ts assembles the document.
import { createRequire } from 'node:module';
import type { AnyTRPCRouter } from '@trpc/server';
import {
  OpenApiBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ReferenceObject,
  type ResponsesObject,
  type SchemaObject,
  type SecurityRequirementObject,
} from 'openapi3-ts/oas31';
import { z } from 'zod';
import { appRouter } from '../router.js';
import {
  isDevelopmentOnlyPath,
  procedureDocs,
  type ProcedureAccess,
  type ProcedureDoc,
} from './procedure-docs.js';
import { namedWireSchemas } from './wire-schemas.js';

/** Where the server serves the document. */
export const OPENAPI_DOCUMENT_PATH = '/openapi.json';

const TRPC_BASE_PATH = '/trpc';
const SCHEMA_REF_PREFIX = '#/components/schemas/';
const ERROR_RESPONSE_REF = '#/components/responses/Error';

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input (`data.zodError` names each field), an emailed link that no longer works (`data.reason: "LINK_INVALID"`), or a request the server refuses before tRPC parses it',
  401: 'Not authenticated: `data.reason` is MISSING, EXPIRED, INVALID, REVOKED, CREDENTIALS or FRESH_LOGIN_REQUIRED',
  403: 'Role too low, a cookie call without an allowed Origin (`data.reason: "CSRF"`), or an admin procedure aimed at the admin\'s own account or session (`data.reason: "SELF_TARGET"`)',
  404: 'No such row (of the caller, or for an admin of anyone)',
  409: 'Username taken, or an address another account proved first',
  412: 'Account recovery is off on this server (`data.reason: "RECOVERY_DISABLED"`)',
  413: 'Body over BODY_LIMIT_BYTES',
  415: 'A body that is not application/json',
  429: 'Rate limited: `data.retryAfter` seconds, and a Retry-After header',
};

const DESCRIPTION = `Latchkey's tRPC API as it is on the wire, for clients in other languages. Each operation is one tRPC
procedure at \`/trpc/<procedure>\`: a mutation is a \`POST\` with its input as the JSON body (\`Content-Type:
application/json\`; no body when the input is optional and empty), a query is a \`GET\` (its input, if any, as
JSON in \`?input=\`). A success is \`200\` with \`{ "result": { "data": <output> } }\`; a failure is
\`{ "error": { "message", "code", "data": { "code", "httpStatus", "reason"?, "retryAfter"?, "zodError"? } } }\`
with the status in \`data.httpStatus\`. Switch on \`data.code\` and \`data.reason\`, never on \`message\`.

Clients outside a browser log in with \`refreshTransport: "body"\`, keep the refresh token from the answer,
send the access token as \`Authorization: Bearer <token>\`, and trade the refresh token on \`auth.refresh\` before
the access token expires (\`auth.settings\` says when). Every refresh rotates the token; presenting an old one
after a few seconds revokes the session. Browsers use the httpOnly refresh cookie instead: a call borne by that
cookie needs an allowed \`Origin\` (or \`Sec-Fetch-Site: same-origin\`).

tRPC's batching (\`?batch=1\`) and streaming are left out: one call per request is the portable wire.`;

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: unknown[];
}

/** Every procedure of a router by its dotted path, with what the document reads of it. */
export function routerProcedures(router: AnyTRPCRouter): Record<string, { _def: ProcedureDef }> {
  return router._def.procedures as Record<string, { _def: ProcedureDef }>;
}

function ref(id: string): ReferenceObject {
  return { $ref: `${SCHEMA_REF_PREFIX}${id}` };
}

function operationIdOf(path: string): string {
  return path.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
}

function pascalCase(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}

function securityOf(access: ProcedureAccess): SecurityRequirementObject[] | undefined {
  switch (access) {
    case 'public':
      return undefined;
    case 'bearer':
      return [{ bearerAuth: [] }];
    // `{}`: the refresh token in the input needs no scheme; the cookie is the browser's way.
    case 'refresh-token':
      return [{}, { refreshCookie: [] }];
    case 'refresh-token-or-bearer':
      return [{}, { refreshCookie: [] }, { bearerAuth: [] }];
  }
}

/** The one input schema of a procedure, or null; this API never chains `.input()`. */
function inputOf(path: string, def: ProcedureDef): z.ZodType | null {
  if (def.inputs.length === 0) return null;
  const [input] = def.inputs;
  if (def.inputs.length > 1 || !(input instanceof z.ZodType))
    throw new Error(`${path}: the document takes one zod input per procedure`);
  return input;
}

/** zod writes a standalone JSON Schema; inside an OpenAPI 3.1 document each is a component without its own URI. */
function asComponent(schema: z.core.JSONSchema.BaseSchema): SchemaObject {
  const { $schema: _dialect, $id: _id, ...component } = schema;
  return component as SchemaObject;
}

function envelope(data: ReferenceObject): SchemaObject {
  return {
    type: 'object',
    properties: {
      result: { type: 'object', properties: { data }, required: ['data'], additionalProperties: false },
    },
    required: ['result'],
    additionalProperties: false,
  };
}

/**
 * The OpenAPI 3.1 document for every procedure of `router` (the app's by default) but the development-only
 * ones (procedure-docs.ts, DevelopmentOnlyPath). Throws when a procedure has no row in `docs` or a row names
 * no procedure, so a document can never silently leave one out.
 */
export function buildOpenApiDocument(
  router: AnyTRPCRouter = appRouter,
  docs: Record<string, ProcedureDoc<unknown>> = procedureDocs,
): OpenAPIObject {
  const procedures = Object.fromEntries(
    Object.entries(routerProcedures(router)).filter(([path]) => !isDevelopmentOnlyPath(path)),
  );
  const undocumented = Object.keys(procedures).filter((path) => !(path in docs));
  const stale = Object.keys(docs).filter((path) => !(path in procedures));
  if (undocumented.length > 0 || stale.length > 0)
    throw new Error(
      `procedure-docs.ts does not match the router: undocumented ${undocumented.join(', ') || 'none'}; ` +
        `no such procedure ${stale.join(', ') || 'none'}`,
    );

  // One registry, converted at once, so shared shapes become components referenced by id.
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(namedWireSchemas)) registry.add(schema, { id });
  const idOf = (schema: z.ZodType, fallback: string): string => {
    const existing = registry.get(schema)?.id;
    if (existing !== undefined) return existing;
    registry.add(schema, { id: fallback });
    return fallback;
  };

  const operations: { path: string; method: 'get' | 'post'; operation: OperationObject }[] = [];
  for (const [path, procedure] of Object.entries(procedures)) {
    const def = procedure._def;
    const doc = docs[path];
    if (doc === undefined) continue;
    if (def.type === 'subscription') throw new Error(`${path}: subscriptions are not part of the document`);
    const operationId = operationIdOf(path);
    const input = inputOf(path, def);
    const inputRef = input === null ? null : ref(idOf(input, `${pascalCase(operationId)}Input`));
    const inputRequired = input !== null && !input.safeParse(undefined).success;
    const outputRef = ref(idOf(doc.output, `${pascalCase(operationId)}Output`));

    const responses: ResponsesObject = {
      200: { description: 'Success', content: { 'application/json': { schema: envelope(outputRef) } } },
    };
    const statuses: number[] = [...doc.errors, ...(def.type === 'mutation' ? [413, 415] : [])];
    for (const status of [...new Set(statuses)].sort((a, b) => a - b))
      responses[status] = {
        description: STATUS_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ref('Error') } },
      };
    responses.default = { $ref: ERROR_RESPONSE_REF };

    const security = securityOf(doc.access);
    const operation: OperationObject = {
      operationId,
      tags: [path.split('.')[0] ?? path],
      summary: doc.summary,
      ...(doc.description === undefined ? {} : { description: doc.description }),
      ...(security === undefined ? {} : { security }),
      responses,
    };
    if (def.type === 'mutation' && inputRef !== null)
      operation.requestBody = {
        required: inputRequired,
        content: { 'application/json': { schema: inputRef } },
      };
    if (def.type === 'query' && inputRef !== null)
      operation.parameters = [
        {
          name: 'input',
          in: 'query',
          required: inputRequired,
          content: { 'application/json': { schema: inputRef } },
        },
      ];
    operations.push({ path, method: def.type === 'query' ? 'get' : 'post', operation });
  }

  const { schemas } = z.toJSONSchema(registry, {
    // Inputs as a caller may send them (a field with a default is optional); the output schemas have no
    // defaults or transforms, so they read the same either way.
    io: 'input',
    unrepresentable: 'throw',
    uri: (id) => `${SCHEMA_REF_PREFIX}${id}`,
  });

  const builder = OpenApiBuilder.create()
    .addOpenApiVersion('3.1.0')
    .addTitle('Latchkey API')
    .addVersion(apiVersion())
    .addDescription(DESCRIPTION)
    .addLicense({ name: 'MIT', identifier: 'MIT' })
    .addSecurityScheme('bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'The access token from a Session answer.',
    })
    .addSecurityScheme('refreshCookie', {
      type: 'apiKey',
      in: 'cookie',
      name: 'latchkey-refresh',
      description:
        'Browsers only: the httpOnly refresh cookie (`__Host-latchkey-refresh` when COOKIE_SECURE=1). A call it carries needs an allowed Origin.',
    })
    .addResponse('Error', {
      description: 'Any other failure (a 503 while the database is unreachable, with Retry-After)',
      content: { 'application/json': { schema: ref('Error') } },
    });
  for (const [id, schema] of Object.entries(schemas)) builder.addSchema(id, asComponent(schema));
  for (const { path, method, operation } of operations)
    builder.addPath(`${TRPC_BASE_PATH}/${path}`, { [method]: operation });
  return builder.getSpec();
}

function apiVersion(): string {
  // src/openapi/ and dist/openapi/ are both two levels below the package's package.json.
  const manifest = createRequire(import.meta.url)('../../package.json') as { version: string };
  return manifest.version;
}

/** The document as written to `apps/api/openapi.json` and served at `/openapi.json`. */
export function serializeOpenApiDocument(document: OpenAPIObject = buildOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
