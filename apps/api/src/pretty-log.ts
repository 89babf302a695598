// `pnpm dev`'s log lines for a person at a terminal: pino-pretty as the logger's destination, in this process.
// pino still builds every line exactly as logger.ts says (redaction, serialisers, the logMethod hook) and
// pino-pretty only re-renders the finished JSON, so a pretty line never holds what a JSON line would not.
// Colour follows pino-pretty's own test (colorette: a TTY, NO_COLOR, FORCE_COLOR): `pnpm dev` under turbo
// writes to a pipe, and so gets the same lines without escape codes. LOG_FORMAT=json prints JSON instead.
// pino-pretty is a development dependency, loaded only here; production never logs pretty (env.ts refuses).
import type { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';

export interface PrettyLogOptions {
  /** Where the lines go; standard output by default. */
  destination?: Writable;
  /** Colour codes on or off; unset: pino-pretty decides from the terminal and NO_COLOR / FORCE_COLOR. */
  colorize?: boolean;
}

/** A pino destination that prints each line as pino-pretty renders it, synchronously (no line lost on exit). */
export async function prettyLogDestination(options: PrettyLogOptions = {}): Promise<DestinationStream> {
  const { default: pinoPretty } = await import('pino-pretty');
  return pinoPretty({
    destination: options.destination ?? 1,
    sync: true,
    // The wall-clock time of day; the date and the constant fields add nothing at a terminal.
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    ...(options.colorize === undefined ? {} : { colorize: options.colorize }),
  });
}
