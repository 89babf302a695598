// Every package of PUBLISHED_PACKAGES as a stranger gets it: packed by `pnpm pack` (which rewrites `workspace:`
// and `catalog:` specifiers and applies `publishConfig`), linted by publint and Are the Types Wrong?, installed
// with npm from the tarballs into a scratch project, run from ESM (the client against a real API) and
// type-checked from a strict TypeScript consumer that sees nothing of this workspace.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, startApiServer } from '@latchkey/api';
import { generateJwtSecret } from '@latchkey/auth';
import { createTestDatabase } from '@latchkey/db/testing';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_PACKAGES } from './published-packages.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const consumersDir = fileURLToPath(new URL('../consumers/', import.meta.url));
const binDir = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
const SOURCE_CONDITION = '@latchkey/source';

interface Packed {
  name: string;
  tarball: string;
  /** The tarball unpacked: exactly the files a consumer gets. */
  dir: string;
  manifest: PackageManifest;
}

interface PackageManifest {
  name: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function workspaceDirOf(name: string): string {
  for (const group of ['packages', 'apps', 'tooling']) {
    for (const entry of readdirSync(join(repositoryRoot, group))) {
      const manifestPath = join(repositoryRoot, group, entry, 'package.json');
      if (!existsSync(manifestPath)) continue;
      if ((JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageManifest).name === name)
        return join(repositoryRoot, group, entry);
    }
  }
  throw new Error(`${name} is not a workspace package`);
}

/** Every file path a value of `exports` names, at any depth of conditions. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

function typesNodeVersion(): string {
  const manifest = new URL('../node_modules/@types/node/package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function unscoped(name: string): string {
  return name.replace(/^@[^/]+\//, '');
}

let workDir: string;
const packed = new Map<string, Packed>();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
  for (const name of PUBLISHED_PACKAGES) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', workDir, '--json'], {
      cwd: workspaceDirOf(name),
    });
    const tarball = (JSON.parse(stdout) as { filename: string }).filename;
    const dir = join(workDir, 'unpacked', unscoped(name));
    mkdirSync(dir, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
    packed.set(name, { name, tarball, dir, manifest });
  }
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function packedVersionOf(name: string): string {
  return (JSON.parse(readFileSync(join(packedOf(name).dir, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function packedOf(name: string): Packed {
  const found = packed.get(name);
  if (found === undefined) throw new Error(`${name} was not packed`);
  return found;
}

describe.each(PUBLISHED_PACKAGES)('the packed %s', (name) => {
  it('points consumers only at files it carries, never at the TypeScript source condition', () => {
    const { dir, manifest } = packedOf(name);
    expect(JSON.stringify(manifest.exports)).not.toContain(SOURCE_CONDITION);
    const targets = exportTargets(manifest.exports);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect([target, existsSync(join(dir, target))]).toEqual([target, true]);
  });

  it('names only versions a registry can resolve (no workspace: or catalog: left)', () => {
    const { manifest } = packedOf(name);
    const specifiers = Object.values({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
    });
    for (const specifier of specifiers) expect(specifier).not.toMatch(/^(workspace|catalog):/);
  });

  it('depends on a workspace package only when it is published too, at the version packed beside it', () => {
    // @latchkey/auth imports its token profile from @latchkey/verifier: the two are released together.
    const { manifest } = packedOf(name);
    const published: readonly string[] = PUBLISHED_PACKAGES;
    for (const [dependency, specifier] of Object.entries({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
    })) {
      if (!dependency.startsWith('@latchkey/')) continue;
      expect([dependency, published.includes(dependency)]).toEqual([dependency, true]);
      expect([dependency, specifier]).toEqual([dependency, packedVersionOf(dependency)]);
    }
  });

  it('is not private, so changesets versions it and npm publishes it', () => {
    const manifest = JSON.parse(readFileSync(join(workspaceDirOf(name), 'package.json'), 'utf8')) as {
      private?: boolean;
    };
    expect(manifest.private).not.toBe(true);
  });

  it('ships no tests', () => {
    const { dir } = packedOf(name);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    expect(files.filter((file) => /\.test\.|(^|\/)testing\//.test(file))).toEqual([]);
  });

  it('passes publint, warnings included', async () => {
    const { dir } = packedOf(name);
    const result = await publint({ pkgDir: dir, pack: false, strict: true, level: 'warning' });
    expect(result.messages.map((message) => formatMessage(message, result.pkg) ?? message.code)).toEqual([]);
  });

  it('passes Are the Types Wrong? for an ESM-only package (Node 16+ and bundler resolution)', async () => {
    const { tarball } = packedOf(name);
    const attw = run(join(binDir, 'attw'), [
      tarball,
      '--profile',
      'esm-only',
      '--format',
      'ascii',
      '--no-color',
    ]);
    await expect(attw).resolves.toBeDefined();
  });

  it('has a consumer in consumers/ that installs and type-checks it', () => {
    for (const extension of ['mjs', 'ts'])
      expect(existsSync(join(consumersDir, `${unscoped(name)}.${extension}`))).toBe(true);
  });
});

describe('a scratch project that installs the tarballs with npm', () => {
  let projectDir: string;

  beforeAll(async () => {
    projectDir = join(workDir, 'scratch');
    mkdirSync(projectDir);
    writeFileSync(
      join(projectDir, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, type: 'module' }, null, 2),
    );
    for (const name of PUBLISHED_PACKAGES) {
      for (const extension of ['mjs', 'ts'])
        cpSync(
          join(consumersDir, `${unscoped(name)}.${extension}`),
          join(projectDir, `${unscoped(name)}.${extension}`),
        );
    }
    // Scripts stay off, as in this workspace; every binary these packages need comes as a registry package.
    // @types/node at the workspace's version, for the TypeScript consumer.
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        `@types/node@${typesNodeVersion()}`,
        ...[...packed.values()].map((p) => p.tarball),
      ],
      { cwd: projectDir },
    );
  });

  it('runs @latchkey/auth from ESM: tokens, argon2id and the common-password list', async () => {
    const { stdout } = await run('node', ['auth.mjs'], { cwd: projectDir });
    expect(JSON.parse(stdout)).toEqual({
      algorithm: 'HS256',
      userId: '7a6c3a52-8f63-4a43-9d1a-0f3b2d1c4e5f',
      forged: 'TOKEN_INVALID',
      hashPrefix: '$argon2id$',
      rightPassword: true,
      wrongPassword: false,
      policy: 'TOO_COMMON',
    });
  });

  it('runs @latchkey/verifier from ESM with the packed @latchkey/auth: a token verified over a JWKS', async () => {
    const { stdout } = await run('node', ['verifier.mjs'], { cwd: projectDir });
    expect(JSON.parse(stdout)).toEqual({
      algorithm: 'EdDSA',
      type: 'at+jwt',
      userId: '7a6c3a52-8f63-4a43-9d1a-0f3b2d1c4e5f',
      sessionId: 'b1f0e2d3-4c5b-4a69-8788-99aabbccddee',
      role: 'user',
      otherAudience: 'TOKEN_INVALID CLAIM_AUD',
    });
  });

  it('runs @latchkey/client from ESM against a real API: signup, a task, logout', async () => {
    const testDatabase = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: generateJwtSecret(), LOG_LEVEL: 'silent' });
    const server = await startApiServer({ config, database: testDatabase.database, port: 0 });
    try {
      const { stdout } = await run('node', ['client.mjs', `${server.url}/trpc`, 'scratch_user'], {
        cwd: projectDir,
      });
      expect(JSON.parse(stdout)).toEqual({
        username: 'scratch_user',
        titles: ['Installed from a tarball'],
        taskId: 'string',
        revokedOnServer: true,
        afterLogout: 'UNAUTHORIZED',
      });
    } finally {
      await server.close();
      await testDatabase.dispose();
    }
  });

  it('type-checks a strict TypeScript consumer against the packed declarations alone', async () => {
    writeFileSync(
      join(projectDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2023'],
          types: ['node'],
          noEmit: true,
          // Checks every declaration file, ours and the dependencies' (filtered below).
          skipLibCheck: false,
        },
        files: PUBLISHED_PACKAGES.map((name) => `${unscoped(name)}.ts`),
      }),
    );
    const typecheck = await run(join(binDir, 'tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], {
      cwd: projectDir,
    }).then(
      () => '',
      (error: unknown) => {
        const { stdout } = error as { stdout?: unknown };
        return typeof stdout === 'string' ? stdout : 'error TS0: tsc failed without output';
      },
    );
    // Errors in the consumer or in our declarations fail; a dependency's own declarations (tRPC's optional
    // `ws` types, say) are its business, as they are for every project that does not skip lib checks.
    const ours = typecheck
      .split('\n')
      .filter((line) => /error TS\d+:/.test(line))
      .filter((line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@latchkey/'));
    expect(ours).toEqual([]);
  });
});
