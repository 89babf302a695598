import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migratePglite } from '../migrate.js';
import { migrationsHash } from './migrations-hash.js';

// A dump only loads into the PGlite that wrote it. PGlite's `exports` hide its package.json, so find it
// by walking up from the resolved entry point.
function installedPgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@electric-sql/pglite' && manifest.version !== undefined) return manifest.version;
    } catch {
      // No package.json at this level; keep walking.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the installed @electric-sql/pglite package.json');
    dir = parent;
  }
}

let template: Promise<Blob> | undefined;
const idle: PGlite[] = [];

// The migrated data directory, cached as a tarball on disk so each vitest worker process loads it instead
// of running initdb plus the migrations, which is several times slower. Keyed by the migrations' hash and
// the PGlite version.
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/latchkey-db/', import.meta.url));

async function buildTemplate(): Promise<Blob> {
  const client = await PGlite.create();
  try {
    await migratePglite(drizzle({ client }));
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

async function loadOrBuildTemplate(): Promise<Blob> {
  const file = join(CACHE_DIR, `pglite-${installedPgliteVersion()}-${migrationsHash()}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const dump = await buildTemplate();
    // Written under a unique name and renamed: parallel workers never read a half-written file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await mkdir(CACHE_DIR, { recursive: true });
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  }
}

// What a fresh instance looks like: anything else (a test ran DDL) means the instance is not reused.
const SHAPE_QUERY = `
  select count(*)::int as objects from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ('public', 'drizzle')`;

let freshShape: number | undefined;

async function shapeOf(client: PGlite): Promise<number> {
  const { rows } = await client.query<{ objects: number }>(SHAPE_QUERY);
  return rows[0]?.objects ?? -1;
}

/**
 * A migrated in-memory PGlite with no rows: one returned by {@link releasePglite} when there is one,
 * otherwise a new instance loaded from the template.
 */
export async function acquirePglite(): Promise<PGlite> {
  const reused = idle.pop();
  if (reused !== undefined) return reused;
  template ??= loadOrBuildTemplate();
  const client = await PGlite.create({ loadDataDir: await template });
  freshShape ??= await shapeOf(client);
  return client;
}

/**
 * Empties the instance (every table truncated, sequences restarted, listeners of `channels` removed,
 * session state discarded) and keeps it for the next {@link acquirePglite}: reloading a data directory for
 * every test costs far more than a TRUNCATE. An instance that was closed,
 * or whose schema a test changed, is closed instead of reused.
 */
export async function releasePglite(client: PGlite, channels: Iterable<string>): Promise<void> {
  if (client.closed) return;
  try {
    for (const channel of channels) await client.unlisten(channel);
    await client.exec('discard all');
    if ((await shapeOf(client)) !== freshShape) throw new Error('schema changed by the test');
    const { rows } = await client.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public'`,
    );
    await client.exec(`truncate ${rows.map((row) => row.name).join(', ')} restart identity cascade`);
    idle.push(client);
  } catch {
    await client.close();
  }
}
