/**
 * The matching rule (docs/identity.md#the-matching-rule): normalisation of each
 * attribute, the confidence each combination of agreeing attributes gives under the
 * documented defaults, where those land against the "show" and "suggest"
 * thresholds, and the settings that change them.
 */
import { describe, expect, it } from 'vitest';
import { loadMatchRule, matchScore, normalizeEmail, normalizeName, normalizePhone, normalizePostcode } from '../../lib/identity-match.js';

const rule = loadMatchRule({});

describe('normalisation', () => {
  it('compares e-mail addresses without case or surrounding spaces', () => {
    expect(normalizeEmail('  Anna.Muller@Example.COM ')).toBe('anna.muller@example.com');
    expect(normalizeEmail('not an address')).toBeNull();
    expect(normalizeEmail(null)).toBeNull();
  });

  it('writes phone numbers in E.164, national numbers taking the default country code', () => {
    expect(normalizePhone('(415) 555-0134', '1')).toBe('+14155550134');
    expect(normalizePhone('1-415-555-0134', '1')).toBe('+14155550134');
    expect(normalizePhone('+1 415.555.0134 ext. 12', '1')).toBe('+14155550134');
    expect(normalizePhone('0044 20 7946 0958', '1')).toBe('+442079460958');
    expect(normalizePhone('020 7946 0958', '44')).toBe('+442079460958');
    expect(normalizePhone('12', '1')).toBeNull();
    expect(normalizePhone('', '1')).toBeNull();
  });

  it('compares names without accents, punctuation, case or word order', () => {
    expect(normalizeName('Müller, Anna')).toBe(normalizeName('anna  MULLER'));
    expect(normalizeName("Siobhán O'Brien")).toBe('brien o siobhan');
    expect(normalizeName(' ,. ')).toBeNull();
  });

  it('compares postcodes without spaces or case', () => {
    expect(normalizePostcode('sw1a 1aa')).toBe('SW1A1AA');
    expect(normalizePostcode('94107-1234')).toBe('941071234');
    expect(normalizePostcode('?')).toBeNull();
  });
});

describe('matchScore under the documented defaults', () => {
  const customer = { email: 'anna.muller@example.com', phone: '+1 415 555 0134', name: 'Anna Müller', postcode: '94107' };

  it.each([
    ['the e-mail alone', { email: 'ANNA.MULLER@example.com' }, 0.9, ['email'], true],
    ['the phone alone', { phone: '(415) 555-0134' }, 0.75, ['phone'], false],
    ['name and postcode alone', { name: 'muller anna', postcode: ' 94107 ' }, 0.6, ['name+postcode'], false],
    ['phone, name and postcode', { phone: '415-555-0134', name: 'Anna Muller', postcode: '94107' }, 0.9, ['phone', 'name+postcode'], true],
    ['all three', { email: customer.email, phone: customer.phone, name: customer.name, postcode: customer.postcode }, 0.99, ['email', 'phone', 'name+postcode'], true],
  ] as const)('%s', (_what, record, confidence, matchedOn, suggested) => {
    const r = matchScore(rule, customer, record);
    expect(r).toEqual({ confidence, matchedOn });
    expect(r.confidence >= rule.showThreshold).toBe(true);
    expect(r.confidence >= rule.suggestThreshold).toBe(suggested);
  });

  it('does not show a name without a postcode, nor a name with another postcode', () => {
    expect(matchScore(rule, customer, { name: 'Anna Müller' })).toEqual({ confidence: 0, matchedOn: [] });
    expect(matchScore(rule, customer, { name: 'Anna Müller', postcode: '10001' })).toEqual({ confidence: 0, matchedOn: [] });
  });

  it('gives 0 when the e-mail addresses differ, whatever else agrees', () => {
    expect(matchScore(rule, customer, { email: 'someone.else@example.com', phone: customer.phone, name: customer.name, postcode: customer.postcode })).toEqual({
      confidence: 0,
      matchedOn: [],
    });
  });

  it('is the same for the same inputs, and symmetric', () => {
    const record = { phone: '415 555 0134', name: 'MULLER ANNA', postcode: '94107' };
    expect(matchScore(rule, customer, record)).toEqual(matchScore(rule, customer, record));
    expect(matchScore(rule, record, customer)).toEqual(matchScore(rule, customer, record));
  });
});

describe('loadMatchRule', () => {
  it('takes weights, thresholds and the country code from the environment', () => {
    const r = loadMatchRule({ IDENTITY_MATCH_PHONE_WEIGHT: '0.5', IDENTITY_MATCH_SHOW_THRESHOLD: '0.7', IDENTITY_MATCH_SUGGEST_THRESHOLD: '0.95', IDENTITY_MATCH_COUNTRY_CODE: '44' });
    expect(r).toEqual({ weights: { email: 0.9, phone: 0.5, 'name+postcode': 0.6 }, showThreshold: 0.7, suggestThreshold: 0.95, defaultCountryCode: '44' });
    expect(matchScore(r, { phone: '020 7946 0958' }, { phone: '+44 20 7946 0958' })).toEqual({ confidence: 0.5, matchedOn: ['phone'] });
  });

  it('refuses a weight outside 0..1, a suggest threshold below the show threshold, and a bad country code, naming the variable', () => {
    expect(() => loadMatchRule({ IDENTITY_MATCH_EMAIL_WEIGHT: '1.5' })).toThrow(/IDENTITY_MATCH_EMAIL_WEIGHT/);
    expect(() => loadMatchRule({ IDENTITY_MATCH_SHOW_THRESHOLD: '0.9', IDENTITY_MATCH_SUGGEST_THRESHOLD: '0.8' })).toThrow(/IDENTITY_MATCH_SUGGEST_THRESHOLD/);
    expect(() => loadMatchRule({ IDENTITY_MATCH_COUNTRY_CODE: '+1' })).toThrow(/IDENTITY_MATCH_COUNTRY_CODE/);
  });
});
