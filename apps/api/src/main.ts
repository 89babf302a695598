// `pnpm start` (node dist/main.js): the production entry. An unset NODE_ENV means production, so a deployment
// cannot fall into development defaults (no Secure cookie, generated keys, localhost origins) by forgetting it;
// a local run over plain HTTP says so with NODE_ENV=development.
import { runApiProcess } from './run-api-process.js';

runApiProcess({ defaultNodeEnv: 'production' });
