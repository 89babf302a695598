import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '../migrate.js';

let cached: string | undefined;

/**
 * A short hash of the committed migrations (SQL and journal). Test templates are named after it, so a
 * changed or added migration gets a new template and never a stale one.
 */
export function migrationsHash(): string {
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!file.endsWith('.sql') && !file.endsWith('.json')) continue;
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  cached = hash.digest('hex').slice(0, 16);
  return cached;
}
