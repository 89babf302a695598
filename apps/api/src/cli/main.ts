// `pnpm latchkey <command>`: the operator CLI's entry point.
import { ConfigError } from '@latchkey/auth';
import { CommanderError } from 'commander';
import { EnvError, processEnv } from '../env.js';
import { KeySetFileError } from '../keys/key-set-file.js';
import { ApiError } from '../errors.js';
import { CliError, createProgram } from './program.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const program = createProgram({
  env: processEnv(),
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin,
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were already printed by commander.
    process.exitCode = error.exitCode;
  } else if (
    error instanceof CliError ||
    error instanceof EnvError ||
    error instanceof ConfigError ||
    error instanceof KeySetFileError ||
    error instanceof ApiError
  ) {
    process.stderr.write(`latchkey: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
