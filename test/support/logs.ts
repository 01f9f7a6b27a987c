/**
 * Captures what the process's logger would write to stdout, one JSON line per
 * entry, so a test can assert audit records and redaction. The stream is shared
 * by every child logger, so this sees the subgraphs and the gateway alike. A test
 * file that reads info-level lines sets LOG_LEVEL in `vi.hoisted` first.
 */
import { pino } from 'pino';
import { logger } from '../../lib/log.js';

/** Starts capturing, appending each line to `lines`, which it returns. */
export function captureLogLines(lines: string[] = []): string[] {
  // pino keeps its destination under a symbol it exports for this purpose; the Logger type does not show it.
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (line: string) => lines.push(line) };
  return lines;
}
