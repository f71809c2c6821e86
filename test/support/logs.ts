import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLogger, type Logger } from '../../src/logger.js';
import { requestLogFields } from '../../src/server/request-scope.js';

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

export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A real pino logger (the app's redaction and mixin) writing JSON lines into memory. */
export function captureLogs(level = 'debug'): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const logger = createLogger({
    level,
    pretty: false,
    mixin: requestLogFields,
    destination: {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as LogLine);
      },
    },
  });
  return { logger, lines, raw };
}
