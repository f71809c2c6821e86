import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
}

/**
 * Credentials are redacted by configuration, whatever a caller passes in: any field with one of
 * these names, at the top level or one level down.
 */
const SECRET_KEYS = ['token', 'secret', 'sign', 'key', 'apiKey', 'authorization', 'password'];
const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)];

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

/** For tests and library use: a logger that writes nowhere. */
export const silentLogger: Logger = pino({ level: 'silent' });
