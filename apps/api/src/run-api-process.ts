// The API as a process, for both entries (main.ts: `pnpm start`; dev.ts: `pnpm dev`): configuration from the
// environment, then one API instance until a signal; an operator's mistake is one line and exit code 1.
import { ConfigError } from '@latchkey/auth';
import { loadConfig, type LogFormat } from './config.js';
import { EnvError, processEnv, type NodeEnv } from './env.js';
import { KeySetFileError } from './keys/key-set-file.js';
import { createLogger } from './logger.js';
import { prettyLogDestination } from './pretty-log.js';
import { startApiServer } from './start-server.js';

/** Start-up failures the operator can fix: one line, exit code 1, no stack trace. */
function isOperatorError(error: unknown): error is Error {
  return error instanceof EnvError || error instanceof ConfigError || error instanceof KeySetFileError;
}

export interface ApiProcessOptions {
  /** What an unset NODE_ENV means for this entry. */
  defaultNodeEnv: NodeEnv;
  /** What an unset LOG_FORMAT means outside production (`pnpm dev`: pretty); JSON when omitted. */
  defaultLogFormat?: LogFormat;
}

async function serveUntilSignal(options: ApiProcessOptions): Promise<void> {
  const config = loadConfig(processEnv(), options);
  const logger = createLogger({
    level: config.logLevel,
    ...(config.logFormat === 'pretty' ? { destination: await prettyLogDestination() } : {}),
  });
  const server = await startApiServer({ config, logger });
  logger.info(
    { url: server.url, database: server.app.database.kind, algorithm: server.app.accessTokens.algorithm },
    'listening',
  );
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Runs the API until SIGINT or SIGTERM, with the defaults of the entry that calls it. */
export function runApiProcess(options: ApiProcessOptions): void {
  serveUntilSignal(options).catch((error: unknown) => {
    if (isOperatorError(error)) {
      process.stderr.write(`latchkey-api: ${error.message}\n`);
    } else {
      process.stderr.write(
        `latchkey-api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  });
}
