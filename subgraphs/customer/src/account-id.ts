/**
 * Salesforce Account ids as a Lightning record page hands them over: 15
 * characters (case-sensitive, as older APIs and reports show them) or 18 (the
 * same 15 plus a case-safe suffix). The graph speaks the 18-character form only,
 * and an id that is not an Account id never reaches a SOQL query.
 */
import { badInput } from '../../../lib/errors.js';

/** Every Account id starts with the Account key prefix, in every org. */
const ACCOUNT_KEY_PREFIX = '001';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15 = /^[A-Za-z0-9]{15}$/;
const ID_18 = /^[A-Za-z0-9]{15}[A-Za-z0-5]{3}$/;

/**
 * The case-safe suffix of a 15-character id: one character per five, whose bits
 * say which of those five are upper-case letters.
 */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/**
 * The 18-character form of a 15- or 18-character Account id. Refused with
 * BAD_USER_INPUT, before any call: a string of another length or alphabet, an id
 * of another object (its key prefix is not 001), and an 18-character id whose
 * suffix does not match the case of its first fifteen characters (an id whose
 * letters changed case on the way, e.g. through a spreadsheet).
 */
export function toAccountId18(raw: string, argumentName = 'id'): string {
  const shown = raw.slice(0, 64);
  if (!ID_15.test(raw) && !ID_18.test(raw)) {
    throw badInput(`expected a Salesforce Account id of 15 or 18 letters and digits, like 001Dn000000AbCd or 001Dn000000AbCdIAK, got '${shown}'`, {
      argumentName,
    });
  }
  if (!raw.startsWith(ACCOUNT_KEY_PREFIX)) {
    throw badInput(`expected an Account id, which starts with ${ACCOUNT_KEY_PREFIX}, got '${shown}'`, { argumentName });
  }
  const id15 = raw.slice(0, 15);
  const suffix = caseSafeSuffix(id15);
  if (raw.length === 18 && raw.slice(15).toUpperCase() !== suffix) {
    throw badInput(`the last three characters of '${shown}' do not match its first fifteen (expected ${suffix}); check that the id's letters kept their case`, {
      argumentName,
    });
  }
  return id15 + suffix;
}
