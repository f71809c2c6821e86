import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

export interface MemoryLogger {
  logger: Logger;
  lines: string[];
  /** Everything logged, as one string to search. */
  text(): string;
}

/**
 * A bare pino logger at trace level, with no redaction of its own, keeping every line: the
 * secret-leak tests must find no credential even when nothing downstream would scrub it.
 */
export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines, text: () => lines.join('') };
}
