/**
 * Errors as they reach the logs (and the few messages that leave the process): with the failed statement,
 * never with its parameters. Drizzle wraps driver errors as "Failed query: <sql>\nparams: <values>" and
 * keeps the values in `params`; postgres.js keeps them in `parameters` (enumerable in debug mode) and
 * Postgres echoes values in `detail` ("Key (key_hash)=(…) already exists"). Parameters include agent-key
 * and token hashes, so every parameter value is cut out of every field, whichever error of the cause
 * chain carries it.
 */
import { pino } from 'pino';

const PARAMETER_KEYS = ['params', 'parameters', 'args'] as const;
const REDACTED = '[redacted]';
/** Shorter values (numbers, flags, short names) are not secrets, and replacing them would garble messages. */
const MIN_SECRET_LENGTH = 6;

/** pino's `err` serializer, minus query parameters. */
export function serializeError(err: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(err as Error);
  if (!(err instanceof Error)) return serialized;
  return scrub(serialized, parameterTexts(err), 0);
}

/** The error's message (with its causes'), minus query parameters: for messages kept or shown outside the logs. */
export function safeErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let message = err.message;
  for (let e: unknown = err.cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) message += `: ${e.message}`;
  return redact(message, parameterTexts(err));
}

/** The texts to cut: each parameter list as Drizzle prints it, then each long enough value, longest first. */
function parameterTexts(err: Error): string[] {
  const lists: string[] = [];
  const values: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    for (const key of PARAMETER_KEYS) {
      const params = (e as Error & Record<string, unknown>)[key];
      if (!Array.isArray(params) || params.length === 0) continue;
      lists.push(`params: ${String(params)}`);
      for (const value of params) {
        const text = value instanceof Date ? '' : typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
        if (text.length >= MIN_SECRET_LENGTH) values.push(text);
      }
    }
  }
  return [...lists.sort((a, b) => b.length - a.length), ...values.sort((a, b) => b.length - a.length)];
}

function redact(text: string, secrets: string[]): string {
  for (const secret of secrets) {
    if (text.includes(secret)) text = text.split(secret).join(secret.startsWith('params: ') ? `params: ${REDACTED}` : REDACTED);
  }
  return text;
}

function scrub(value: unknown, secrets: string[], depth: number): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if ((PARAMETER_KEYS as readonly string[]).includes(key)) record[key] = REDACTED;
    else record[key] = scrub(record[key], secrets, depth + 1);
  }
  return record;
}
