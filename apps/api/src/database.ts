// Opens the database the configuration names, creating the embedded one's folder, and migrates it.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createDb, type Database } from '@latchkey/db';
import type { Logger } from 'pino';
import type { ApiConfig } from './config.js';

export async function openConfiguredDatabase(config: ApiConfig, logger: Logger): Promise<Database> {
  if (config.databaseUrl !== null) {
    const database = await createDb({
      url: config.databaseUrl,
      ...(config.databaseDirectUrl === null ? {} : { directUrl: config.databaseDirectUrl }),
      preparedStatements: config.databasePreparedStatements,
    });
    await database.migrate();
    return database;
  }
  if (config.nodeEnv === 'production') logger.warn('no DATABASE_URL: running on the embedded database');
  let dataDir: string | undefined;
  if (config.dataDir !== null) {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    dataDir = path.join(config.dataDir, 'pglite');
  }
  const database = await createDb(dataDir === undefined ? {} : { dataDir });
  await database.migrate();
  return database;
}
