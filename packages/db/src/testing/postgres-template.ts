import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migratePostgres } from '../migrate.js';
import { migrationsHash } from './migrations-hash.js';

// Serialises template creation across vitest workers and concurrent runs on one server.
const TEMPLATE_LOCK_KEY = 0x1a7c4e8;
// SQLSTATE 55006: the template is being accessed by other users (a worker connected to it).
const OBJECT_IN_USE = '55006';

let admin: postgres.Sql | undefined;
let template: Promise<string> | undefined;

function adminClient(adminUrl: string): postgres.Sql {
  // idle_timeout lets the worker process exit without an explicit end().
  admin ??= postgres(adminUrl, { max: 2, idle_timeout: 1, onnotice: () => undefined });
  return admin;
}

/** The same server as `adminUrl`, another database. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function templateName(): string {
  return `latchkey_tpl_${migrationsHash()}`;
}

async function ensureTemplate(adminUrl: string): Promise<string> {
  const sql = adminClient(adminUrl);
  const name = templateName();
  // A session-level advisory lock needs one connection for lock and unlock: reserve one.
  const lock = await sql.reserve();
  try {
    await lock`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
    const [existing] = await lock<{ ready: boolean }[]>`
      select datistemplate as ready from pg_database where datname = ${name}`;
    if (existing?.ready !== true) {
      // Present but not marked ready: an earlier run died mid-migration. Rebuild it.
      if (existing !== undefined) await lock`drop database ${lock(name)} with (force)`;
      await lock`create database ${lock(name)}`;
      await migratePostgres(databaseUrl(adminUrl, name));
      // Marks the template complete (checked above) and lets CREATE DATABASE ... TEMPLATE copy it.
      await lock`alter database ${lock(name)} is_template true`;
    }
  } finally {
    await lock`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`;
    lock.release();
  }
  return name;
}

/** Creates a uniquely named, migrated, empty database on the server of `adminUrl`; returns its name. */
export async function createDatabaseFromTemplate(adminUrl: string): Promise<string> {
  template ??= ensureTemplate(adminUrl);
  const source = await template;
  const name = `latchkey_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const sql = adminClient(adminUrl);
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`create database ${sql(name)} template ${sql(source)}`;
      return name;
    } catch (error) {
      const inUse = error instanceof postgres.PostgresError && error.code === OBJECT_IN_USE;
      if (!inUse || attempt === 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Drops a test database, disconnecting anything still attached. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = adminClient(adminUrl);
  await sql`drop database if exists ${sql(name)} with (force)`;
}
