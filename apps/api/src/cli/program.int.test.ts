// The operator CLI, run in-process against a test database and a temporary data directory.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateJwtSecret, parseJwtSecret, parseKeySet } from '@latchkey/auth';
import { createRepositories } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/db/testing';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createApp } from '../app.js';
import { createLogger } from '../logger.js';
import type { EnvSource } from '../env.js';
import { authenticateServiceClient } from '../services/service-client.js';
import { CliError, createProgram } from './program.js';

let testDatabase: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-cli-'));
});
afterAll(async () => {
  await testDatabase.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(
  args: string[],
  options: { env?: EnvSource; stdin?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = createProgram({
    env: { LATCHKEY_DATA_DIR: dataDir, NODE_ENV: 'test', ...options.env },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    database: testDatabase.database,
  });
  await program.parseAsync(args, { from: 'user' });
  return { stdout, stderr };
}

describe('latchkey CLI', () => {
  it('--help lists every command', async () => {
    const error = await run(['--help']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).toBe(0);
  });

  it('secret prints a secret the API accepts', async () => {
    const { stdout } = await run(['secret']);
    expect(parseJwtSecret(stdout.trim()).byteLength).toBeGreaterThanOrEqual(32);
  });

  it('service-client prints a secret and the SERVICE_CLIENTS entry that authenticates it', async () => {
    const { stdout } = await run(['service-client', 'orders']);
    const secret = /secret \(give it to the service, once\): (\S+)/.exec(stdout)?.[1] ?? '';
    const entry = /SERVICE_CLIENTS entry \(the API keeps only this\): (\S+)/.exec(stdout)?.[1] ?? '';
    expect(entry.startsWith('orders:')).toBe(true);
    expect(entry).not.toContain(secret);
    const config = loadConfig({ SERVICE_CLIENTS: entry });
    const basic = `Basic ${Buffer.from(`orders:${secret}`).toString('base64')}`;
    expect(authenticateServiceClient(config.serviceClients, basic)).toBe('orders');
    await expect(run(['service-client', 'Bad Id'])).rejects.toThrow(CliError);
  });

  it('keys generate writes an owner-only key set, refuses to overwrite it, and rotate keeps the old key', async () => {
    await run(['keys', 'generate']);
    const file = path.join(dataDir, 'keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const first = parseKeySet(JSON.parse(await readFile(file, 'utf8')));
    expect(first.keys).toHaveLength(1);
    await expect(run(['keys', 'generate'])).rejects.toBeInstanceOf(CliError);
    await run(['keys', 'rotate']);
    const rotated = parseKeySet(JSON.parse(await readFile(file, 'utf8')));
    expect(rotated.keys).toHaveLength(2);
    expect(rotated.keys.find((key) => key.retiredAt !== undefined)?.kid).toBe(first.keys[0]!.kid);
  });

  it('user create, user promote and token', async () => {
    const created = await run(['user', 'create', 'grace', '--password-stdin'], {
      stdin: 'a long enough passphrase\n',
    });
    expect(created.stdout).toMatch(/^created grace \(user\) /);
    const users = createRepositories(testDatabase.database).users;
    expect((await users.findByUsername('grace'))?.role).toBe('user');
    await run(['user', 'promote', 'grace']);
    expect((await users.findByUsername('grace'))?.role).toBe('admin');

    const generated = await run(['user', 'create', 'linus', '--admin']);
    expect(generated.stdout).toMatch(/password: [A-Za-z0-9_-]{24}\n$/);

    const secret = generateJwtSecret();
    const minted = await run(['token', 'grace'], { env: { JWT_SECRET: secret } });
    expect(minted.stderr).toMatch(/^warning:/);
    const config = loadConfig({ JWT_SECRET: secret, NODE_ENV: 'test' });
    const app = await createApp({
      config,
      database: testDatabase.database,
      logger: createLogger({ level: 'silent' }),
    });
    const verified = await app.accessTokens.verify(minted.stdout.trim());
    expect(verified.role).toBe('admin');
  });

  it('user create, user promote and token each write an audit event, as the API does for the same acts', async () => {
    const repositories = createRepositories(testDatabase.database);
    await run(['user', 'create', 'hedy', '--password-stdin'], {
      stdin: 'frequency hopping spread spectrum\n',
    });
    const hedy = await repositories.users.findByUsername('hedy');
    await run(['user', 'promote', 'hedy']);
    const minted = await run(['token', 'hedy']);
    const token = await (
      await createApp({
        config: loadConfig({ LATCHKEY_DATA_DIR: dataDir, NODE_ENV: 'test' }),
        database: testDatabase.database,
        logger: createLogger({ level: 'silent' }),
      })
    ).accessTokens.verify(minted.stdout.trim());

    const events = await repositories.audit.listForUser(hedy!.id, { limit: 10 });
    const cli = { ip: 'cli', userAgent: 'latchkey-cli' };
    expect(events.reverse()).toEqual([
      expect.objectContaining({ type: 'user.created', ...cli, detail: { role: 'user', by: 'cli' } }),
      expect.objectContaining({
        type: 'role.changed',
        ...cli,
        detail: { from: 'user', to: 'admin', by: 'cli' },
      }),
      expect.objectContaining({
        type: 'token.minted',
        ...cli,
        sessionId: token.sessionId,
        detail: { by: 'cli' },
      }),
    ]);
  });

  it('token refuses NODE_ENV=production without --force', async () => {
    await expect(
      run(['token', 'grace'], { env: { NODE_ENV: 'production', JWT_SECRET: generateJwtSecret() } }),
    ).rejects.toThrow(/refusing to mint a token with NODE_ENV=production/);
  });

  it('user create refuses a password the policy refuses', async () => {
    await expect(
      run(['user', 'create', 'weak', '--password-stdin'], { stdin: 'password' }),
    ).rejects.toThrow();
    expect(await createRepositories(testDatabase.database).users.findByUsername('weak')).toBeNull();
  });

  it.each([
    ['a username with a right-to-left override', ['user', 'create', '\u202enimda'], '', /username: /],
    ['a username with a Cyrillic look-alike', ['user', 'create', 'аdmin'], '', /username: /],
    [
      'a password with a NUL',
      ['user', 'create', 'nul_in_password', '--password-stdin'],
      'correct horse\u0000battery',
      /password: /,
    ],
  ])('user create refuses %s, as the API would, and creates nobody', async (_name, args, stdin, message) => {
    await expect(run(args, { stdin })).rejects.toThrow(message);
    expect(await createRepositories(testDatabase.database).users.findByUsername(args[2] ?? '')).toBeNull();
  });
});
