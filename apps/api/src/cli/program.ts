// The operator CLI (`pnpm latchkey <command>`). Commands receive their environment and output streams as
// arguments, so tests run them in-process against a test database.
import { randomBytes } from 'node:crypto';
import { generateJwtSecret, generateSigningKey, rotateKeySet, type KeySetAlgorithm } from '@latchkey/auth';
import { createRepositories, type Database, type User } from '@latchkey/db';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import type { ZodType } from 'zod';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS, createApp, type App } from '../app.js';
import { loadConfig, type ApiConfig } from '../config.js';
import { openConfiguredDatabase } from '../database.js';
import type { EnvSource } from '../env.js';
import { readKeySetFile, writeKeySetFile } from '../keys/key-set-file.js';
import { ApiError } from '../errors.js';
import { setRole } from '../services/admin.js';
import { generateServiceClient } from '../services/service-client.js';
import { auditActor, recordAudit, type AuditActor } from '../services/audit.js';
import type { ClientInfo } from '../services/client-info.js';
import { createAccount } from '../services/create-account.js';
import { passwordSchema, usernameSchema } from '../routers/inputs.js';
import { assertPasswordAllowed } from '../services/password-rules.js';
import { startSession } from '../services/session.js';

export interface CliIo {
  env: EnvSource;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The password for `user create --password-stdin`. */
  readStdin?: () => Promise<string>;
  /** Tests pass their database; otherwise the one the configuration names is opened (and closed). */
  database?: Database;
}

/** A CLI usage problem: printed as one line, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

// How the audit trail names what the CLI does: no address, no browser, an operator at a shell.
const CLI_CLIENT: ClientInfo = { clientAddress: 'cli', userAgent: 'latchkey-cli' };
const CLI_ACTOR: AuditActor = { operator: 'cli' };
/** Refuses `value` with the schema's messages, as a CLI usage error naming the argument. */
function assertTextAllowed(name: string, schema: ZodType<string>, value: string): void {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new CliError(`${name}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
}

// 18 random bytes → 24 base64url characters (144 bits) for a generated password.
const GENERATED_PASSWORD_BYTES = 18;

export function createProgram(io: CliIo): Command {
  const config = (): ApiConfig => loadConfig(io.env);

  async function withDatabase<T>(run: (database: Database, config: ApiConfig) => Promise<T>): Promise<T> {
    const current = config();
    if (io.database !== undefined) return run(io.database, current);
    const database = await openConfiguredDatabase(current, pino({ level: 'silent' }));
    try {
      return await run(database, current);
    } finally {
      await database.close();
    }
  }

  /** The wired App over the configured database: the CLI acts through the same services as the API. */
  async function withApp<T>(run: (app: App) => Promise<T>): Promise<T> {
    return withDatabase(async (database, current) =>
      run(await createApp({ config: current, database, logger: pino({ level: 'silent' }) })),
    );
  }

  async function findUser(database: Database, username: string): Promise<User> {
    const user = await createRepositories(database).users.findByUsername(username);
    if (user === null) throw new CliError(`No user named ${username}`);
    return user;
  }

  const program = new Command('latchkey')
    .description('Latchkey operator commands')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride();

  program
    .command('secret')
    .description('print a new random JWT_SECRET (HS256)')
    .action(() => {
      io.stdout.write(`${generateJwtSecret()}\n`);
    });

  program
    .command('service-client <id>')
    .description(
      'print a new service client secret and its SERVICE_CLIENTS entry (introspection, revocation feed)',
    )
    .action((id: string) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) {
        throw new CliError(
          'a service client id is 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit',
        );
      }
      const client = generateServiceClient(id);
      io.stdout.write(
        `secret (give it to the service, once): ${client.secret}\nSERVICE_CLIENTS entry (the API keeps only this): ${client.entry}\n`,
      );
    });

  const algorithm = new Option('--alg <alg>', 'signing algorithm')
    .choices(['EdDSA', 'ES256'])
    .default('EdDSA');
  const keys = program
    .command('keys')
    .description('manage the asymmetric key set (KEY_SET_FILE or .data/keys.json)');
  keys
    .command('generate')
    .description('write a new key set with one signing key')
    .addOption(algorithm)
    .option('--force', 'replace an existing key set (tokens signed by it stop verifying)')
    .action(async (options: { alg: KeySetAlgorithm; force?: boolean }) => {
      const file = keySetFile(config());
      if (options.force !== true && (await readKeySetFile(file)) !== null) {
        throw new CliError(`${file} already exists; use \`keys rotate\`, or --force to replace it`);
      }
      await writeKeySetFile(file, { keys: [await generateSigningKey(options.alg)] });
      io.stdout.write(`wrote ${file}\n`);
    });
  keys
    .command('rotate')
    .description('add a new signing key; the old one keeps verifying until its tokens have expired')
    .addOption(algorithm)
    .action(async (options: { alg: KeySetAlgorithm }) => {
      const current = config();
      const file = keySetFile(current);
      const existing = await readKeySetFile(file);
      if (existing === null) throw new CliError(`${file} does not exist; run \`keys generate\` first`);
      const now = current.now();
      const rotated = rotateKeySet(existing, await generateSigningKey(options.alg, { now }), {
        now,
        retainRetiredSeconds: current.accessTokenTtlSeconds + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
      });
      await writeKeySetFile(file, rotated);
      io.stdout.write(
        `rotated ${file}: ${rotated.keys.length} key(s); restart the API instances to sign with the new key\n`,
      );
    });

  program
    .command('migrate')
    .description('apply the database migrations')
    .action(async () => {
      await withDatabase(async (database) => {
        io.stdout.write(`migrated (${database.kind})\n`);
        return Promise.resolve();
      });
    });

  const user = program.command('user').description('manage accounts');
  user
    .command('create <username>')
    .description('create an account; prints a generated password unless --password-stdin')
    .option('--admin', 'give it the admin role')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, options: { admin?: boolean; passwordStdin?: boolean }) => {
      let password: string;
      let generated = false;
      if (options.passwordStdin === true) {
        if (io.readStdin === undefined) throw new CliError('no standard input to read the password from');
        password = (await io.readStdin()).replace(/\r?\n$/, '');
      } else {
        password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
        generated = true;
      }
      // The API's own input rules, so the CLI cannot make an account the API would have refused.
      assertTextAllowed('username', usernameSchema, username);
      assertTextAllowed('password', passwordSchema, password);
      assertPasswordAllowed(password, { username, field: 'password' });
      await withApp(async (app) => {
        const role = options.admin === true ? 'admin' : 'user';
        const created = await createAccount(app, { username, password, role }).catch((error: unknown) => {
          if (error instanceof ApiError && error.code === 'USERNAME_TAKEN')
            throw new CliError(`username ${username} is taken`);
          throw error;
        });
        await recordAudit(app, {
          type: 'user.created',
          userId: created.id,
          client: CLI_CLIENT,
          detail: { role: created.role, by: auditActor(CLI_ACTOR) },
        });
        io.stdout.write(`created ${created.username} (${created.role}) ${created.id}\n`);
        if (generated) io.stdout.write(`password: ${password}\n`);
      });
    });
  user
    .command('promote <username>')
    .description('give an account the admin role')
    .action(async (username: string) => {
      await withApp(async (app) => {
        const found = await findUser(app.database, username);
        await setRole(app, CLI_ACTOR, { userId: found.id, role: 'admin' }, CLI_CLIENT);
        io.stdout.write(`${found.username} is now admin\n`);
      });
    });

  program
    .command('token <username>')
    .description('mint an access token for development (creates a session for it)')
    .option('--force', 'allow it with NODE_ENV=production')
    .action(async (username: string, options: { force?: boolean }) => {
      const current = config();
      if (current.nodeEnv === 'production' && options.force !== true) {
        throw new CliError(
          'refusing to mint a token with NODE_ENV=production; add --force if you really mean it',
        );
      }
      io.stderr.write('warning: this access token is a credential; do not paste it anywhere shared\n');
      await withApp(async (app) => {
        const found = await findUser(app.database, username);
        if (found.disabledAt !== null) throw new CliError(`${username} is disabled`);
        const session = await startSession(app, found, CLI_CLIENT, {
          type: 'token.minted',
          detail: { by: auditActor(CLI_ACTOR) },
        });
        if (session === null) throw new CliError(`${username} changed or was disabled meanwhile; try again`);
        io.stdout.write(`${session.accessToken}\n`);
      });
    });

  return program;
}

function keySetFile(config: ApiConfig): string {
  if (config.signing.kind !== 'key-set') {
    throw new CliError(
      'JWT_SECRET is set, so the API signs with HS256 and uses no key set; unset it to use keys',
    );
  }
  return config.signing.file;
}
