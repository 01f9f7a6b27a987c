/**
 * Salesforce's REST error shape: a JSON array of `{message, errorCode, fields?}`
 * with the HTTP status the real API uses for that code.
 */
export interface SfErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

export class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  body(): SfErrorItem[] {
    const item: SfErrorItem = { message: this.message, errorCode: this.errorCode };
    if (this.fields) item.fields = this.fields;
    return [item];
  }
}

/** Several errors from one record (a write can fail validation on more than one field). */
export class SfErrors extends Error {
  constructor(
    readonly status: number,
    readonly items: SfErrorItem[],
  ) {
    super(items.map((i) => `${i.errorCode}: ${i.message}`).join('; '));
  }
}

export const notFound = (): SfError => new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidSession = (): SfError => new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const requestLimitExceeded = (): SfError =>
  new SfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

/**
 * SOQL errors quote the query and point at the offending column, e.g.
 * "\nSELECT Nme FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nme' on entity 'Account'. …".
 * `index` is the 0-based offset of the offending token in the query.
 */
export function soqlError(errorCode: string, query: string, index: number, text: string): SfError {
  const safe = Math.max(0, Math.min(index, query.length));
  const before = query.slice(0, safe);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = safe - lineStart + 1;
  const line = query.split('\n')[row - 1] ?? query;
  const caret = `${' '.repeat(column - 1)}^`;
  return new SfError(400, errorCode, `\n${line}\n${caret}\nERROR at Row:${row}:Column:${column}\n${text}`);
}
