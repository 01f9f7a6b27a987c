/**
 * The org mapping: how a particular Salesforce org, NetSuite account and Zendesk
 * instance name the fields the connectors use. Real orgs differ; the code does not.
 * Loaded once at boot from ORG_MAPPING_FILE and validated.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config.js';
import { projectRoot } from './paths.js';

const apiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected an API name such as Customer_Number__c');
const pattern = z.object({
  pattern: z.string().refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'expected a regular expression'),
  example: z.string(),
});

const schema = z.object({
  customerNumber: pattern,
  salesforce: z.object({
    account: z.object({
      customerNumber: apiName,
      email: apiName,
      phone: apiName,
      segment: apiName,
      loyaltyTier: apiName,
      loyaltyPoints: apiName,
      emailOptIn: apiName,
      smsOptIn: apiName,
      consentUpdatedAt: apiName,
      preferredStore: apiName,
    }),
    segmentValues: z.object({ CONSUMER: z.string(), BUSINESS: z.string() }),
    loyaltyTierValues: z.object({ BRONZE: z.string(), SILVER: z.string(), GOLD: z.string(), PLATINUM: z.string() }),
  }),
  netsuite: z.object({
    subsidiary: z.number().int().positive(),
    currency: z.object({ id: z.number().int().positive(), code: z.string().length(3) }),
    orderNumber: pattern,
    invoiceNumber: pattern,
    returnNumber: pattern,
    fields: z.object({ salesChannel: apiName, wmsReleased: apiName, returnReason: apiName, taxClass: apiName }),
    returnWindowDays: z.number().int().positive(),
  }),
  zendesk: z.object({ orderNumberFieldId: z.number().int().positive() }),
});

export type OrgMapping = z.infer<typeof schema>;

export function loadOrgMapping(file: string): OrgMapping {
  const path = resolve(projectRoot, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`ORG_MAPPING_FILE ${path}: ${(e as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(
      `ORG_MAPPING_FILE ${path} is invalid:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return r.data;
}

/** A compiled identifier format, with the message clients see when an id does not match. */
export interface IdFormat {
  test(id: string): boolean;
  describe(): string;
}

export function idFormat(kind: string, p: { pattern: string; example: string }): IdFormat {
  const re = new RegExp(p.pattern);
  return { test: (id) => re.test(id), describe: () => `${kind} like ${p.example}` };
}
