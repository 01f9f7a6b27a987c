/**
 * What the logger never writes: credentials (bearer tokens, the gateway's signed
 * caller header, API keys) and personal data that may ride along in a logged
 * object (GraphQL variables, emails, phone numbers, names of people). pino's
 * fast-redact paths; `*` matches one level.
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["x-rsg-caller"]',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-rsg-caller"]',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'connectionParams',
  '*.connectionParams',
  'variables',
  '*.variables',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'customerName',
  '*.customerName',
];
