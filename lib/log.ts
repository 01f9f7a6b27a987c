/**
 * The one logger. JSON lines (pino) on stdout; level from LOG_LEVEL.
 *
 * Lines are written asynchronously, so no request waits on a write to stdout (a
 * synchronous write per log or audit line cost the gateway a tenth of its CPU).
 * Nothing is held back to batch (minLength 0), and pino writes out what is pending
 * when the process exits, on process.exit and on an uncaught error alike, so audit
 * records survive a crash; a SIGKILL can cut off only the lines of its last instant.
 * LOG_SYNC=true writes each line before going on, for debugging a hard crash.
 */
import { pino, type Logger } from 'pino';
import { currentScope } from './context.js';
import { logTraceFields } from './tracing.js';
import { REDACT_PATHS } from './auth/redact.js';

const destination = pino.destination({ dest: 1, sync: process.env.LOG_SYNC === 'true', minLength: 0 });

export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'retail-supergraph' },
  // Tokens and personal data never reach a log line (lib/auth/redact.ts).
  redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  // With tracing on (lib/tracing.ts), each line names the span it was written in, so a trace leads to its logs.
  mixin() {
    const s = currentScope();
    const t = logTraceFields();
    if (!s) return t ?? {};
    return t ? { correlationId: s.correlationId, ...t } : { correlationId: s.correlationId };
  },
}, destination);

export function childLogger(component: string): Logger {
  return logger.child({ component });
}
