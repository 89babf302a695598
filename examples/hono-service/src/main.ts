// `LATCHKEY_API_URL=http://127.0.0.1:3000 LATCHKEY_SERVICE_ID=billing LATCHKEY_SERVICE_SECRET=... pnpm start`
import { serve } from '@hono/node-server';
import { createVerifier } from '@latchkey/verifier';
import { createBillingApp } from './billing-app.js';
import { readServiceEnv } from './env.js';

const env = readServiceEnv();
const verifier = createVerifier({
  apiUrl: env.apiUrl,
  issuer: env.issuer,
  audience: env.audience,
  mode: env.mode,
  serviceClient: env.serviceClient,
  feed: {
    onError: (error) => {
      console.warn(`revocation feed: ${error.message}; retrying`);
    },
  },
});
await verifier.start();
serve({ fetch: createBillingApp(verifier).fetch, port: env.port }, () => {
  console.log(`billing service on http://127.0.0.1:${env.port}, trusting ${env.apiUrl} (${env.mode})`);
});
