/** The one logger. JSON lines (pino); level from LOG_LEVEL. */
import { pino, type Logger } from 'pino';
import { currentScope } from './context.js';
import { REDACT_PATHS } from './auth/redact.js';

export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'retail-supergraph' },
  // Tokens and personal data never reach a log line (lib/auth/redact.ts).
  redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  mixin() {
    const s = currentScope();
    return s ? { correlationId: s.correlationId } : {};
  },
});

export function childLogger(component: string): Logger {
  return logger.child({ component });
}
