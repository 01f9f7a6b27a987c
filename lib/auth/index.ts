/**
 * Identity and access, the public surface. Resolvers use authorize / canSeeCustomer /
 * requireRole / visibleComments on the Caller the bootstrap puts in RequestInfo;
 * caches put scopeOf(caller) in their keys. Add exports here with intention.
 */
export { ROLES, GATEWAY_CALLER, CallerError, makeCaller, hasRole, effectiveRoles, isStorefront } from './caller.js';
export type { Role, Caller } from './caller.js';
export {
  OPERATIONS,
  accessOf,
  callerAccess,
  decide,
  authorize,
  authorizeSubscription,
  canSeeCustomer,
  requireRole,
  canSeeComment,
  visibleComments,
  requirePublicComment,
  scopeOf,
  idempotencyScope,
  forbidden,
} from './policy.js';
export type { Access, Operation, Decision } from './policy.js';
export {
  CALLER_HEADER,
  MIN_SECRET_LENGTH,
  signCaller,
  prepareCaller,
  sealCaller,
  isPreparedCaller,
  verifyCaller,
  vouchCaller,
  acceptVoucher,
  loadTrustOptions,
  bodyDigest,
  operationDigest,
  memoryNonceStore,
  redisNonceStore,
} from './internal.js';
export type { TrustOptions, CallerVerification, CallerVoucher, NonceStore, SignatureBinding, SignedOperation } from './internal.js';
export {
  PERSONAL_DATA_FIELDS,
  audit,
  auditLogger,
  auditServedReads,
  auditWriteCustomer,
  beginAudit,
  flushAuditReads,
  instrumentAudit,
  mergeAuditedReads,
} from './audit.js';
export type { AuditRecord, FieldGroup } from './audit.js';
export { REDACT_PATHS } from './redact.js';
export { PII_POLICY, piiLevel, hiddenFields, piiHidden, bindPiiCaller, instrumentPii, piiPolicyMarkdown } from './pii.js';
export type { PiiLevel, PiiField } from './pii.js';
