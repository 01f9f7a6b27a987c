/** The one logger. JSON lines (pino); level from LOG_LEVEL. */
import { pino, type Logger } from 'pino';
import { currentScope } from './context.js';

export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'retail-supergraph' },
  mixin() {
    const s = currentScope();
    return s ? { correlationId: s.correlationId } : {};
  },
});

export function childLogger(component: string): Logger {
  return logger.child({ component });
}
