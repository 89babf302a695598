// `pnpm --filter @latchkey/api openapi`: writes openapi.json, the committed OpenAPI document, from the routers.
// src/openapi/openapi-document.test.ts fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serializeOpenApiDocument } from '../../src/openapi/openapi-document.js';

const target = fileURLToPath(new URL('../../openapi.json', import.meta.url));
writeFileSync(target, serializeOpenApiDocument());
console.log(`wrote ${target}`);
