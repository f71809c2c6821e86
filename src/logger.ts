import { type DestinationStream, type Logger, pino } from 'pino';

import { stdoutDestination } from './stdout-destination.js';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Fields added to every line, e.g. the id of the request being served. */
  mixin?: () => object;
  /** Where lines go instead of stdout (tests); ignored when pretty. */
  destination?: DestinationStream;
}

/**
 * Credentials are redacted by configuration, whatever a caller passes in: any field with one of
 * these names, at the top level or one level down, and credential-bearing headers. Upstream URLs
 * are never logged with their query strings (the transport logs paths only).
 */
const SECRET_KEYS = ['token', 'secret', 'sign', 'key', 'apiKey', 'authorization', 'password'];
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key'].map((h) => `headers["${h}"]`);
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_HEADERS,
  ...SECRET_HEADERS.map((h) => `*.${h}`),
];

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(options.mixin ? { mixin: options.mixin } : {}),
  };
  if (options.pretty) {
    return pino({ ...settings, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(settings, options.destination ?? stdoutDestination());
}

/** For tests and library use: a logger that writes nowhere. */
export const silentLogger: Logger = pino({ level: 'silent' });
