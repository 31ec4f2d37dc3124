/**
 * pino JSON logger. Secrets are redacted by path so that a careless `log.info({ headers })` cannot leak them,
 * and errors are logged without the parameters of the query that failed.
 */
import { pino, type Logger } from 'pino';
import { serializeError } from './error-serializer.ts';

export type { Logger };

// Exact paths only: wildcards make every log call walk the object, and this runs on every access log line.
export const redactPaths = [
  'authorization',
  'headers.authorization',
  'headers["x-agent-api-key"]',
  'req.headers.authorization',
  'req.headers["x-agent-api-key"]',
  'secret',
  'token',
  'apiKey',
  'password',
  'enrollSecret',
  'claimToken',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'agentry' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { err: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
