// Creates or drops the throwaway PostgreSQL database one CI run uses, with the postgres.js the workspace
// already installs (no psql client assumed on the machine).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/db/package.json', import.meta.url));
const { default: postgres } = await import(require.resolve('postgres'));

const [command, adminUrl, name] = process.argv.slice(2);
if (!/^[a-z0-9_]+$/.test(name ?? '')) throw new Error(`bad database name: ${name}`);
const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
try {
  if (command === 'create') await sql.unsafe(`create database ${name}`);
  else if (command === 'drop') await sql.unsafe(`drop database if exists ${name} with (force)`);
  else throw new Error(`unknown command: ${command}`);
  console.log(`${command} database ${name}`);
} finally {
  await sql.end();
}
