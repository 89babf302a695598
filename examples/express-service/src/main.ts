// `LATCHKEY_API_URL=http://127.0.0.1:3000 LATCHKEY_SERVICE_ID=orders LATCHKEY_SERVICE_SECRET=... pnpm start`
import { createVerifier } from '@latchkey/verifier';
import { readServiceEnv } from './env.js';
import { createOrdersApp } from './orders-app.js';

const env = readServiceEnv();
const verifier = createVerifier({
  apiUrl: env.apiUrl,
  issuer: env.issuer,
  audience: env.audience,
  serviceClient: env.serviceClient,
  feed: {
    onError: (error) => {
      console.warn(`revocation feed: ${error.message}; retrying`);
    },
  },
});
await verifier.start();
createOrdersApp(verifier).listen(env.port, () => {
  console.log(`orders service on http://127.0.0.1:${env.port}, trusting ${env.apiUrl}`);
});
