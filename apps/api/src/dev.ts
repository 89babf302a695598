// `pnpm dev` (tsx watch): the development entry. An unset NODE_ENV means development: plain-HTTP cookies, an
// Ed25519 key set generated once under .data/, the Vite dev server's localhost origins; an unset LOG_FORMAT
// means pino-pretty's lines (src/pretty-log.ts).
import { runApiProcess } from './run-api-process.js';

runApiProcess({ defaultNodeEnv: 'development', defaultLogFormat: 'pretty' });
