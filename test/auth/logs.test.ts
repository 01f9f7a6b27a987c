/**
 * No leaks: the log output of customer-360 requests holds no token and no
 * personal data, while the audit trail says who read which customer's data.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Log everything in this file (tests are silent by default); set before the logger is created.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'debug';
});

import { logger } from '../../lib/log.js';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { captureLogLines } from '../support/logs.js';

const lines: string[] = [];
let stack: Stack & StackIdentity;

beforeAll(async () => {
  captureLogLines(lines);
  stack = await startStack({ customers: 60 });
});

afterAll(async () => {
  await stack?.close();
});

const CUSTOMER_360 = /* GraphQL */ `
  query Customer360($id: ID!) {
    customer(id: $id) {
      id name email phone
      loyalty { tier points }
      consent { emailOptIn }
      contacts { name email phone }
      financials { balance { amount } creditHold billingAddress { line1 city } }
      orders(first: 20) { nodes { id status lines { sku } } }
      cases(first: 5) { nodes { id subject comments { body } } }
    }
  }
`;

describe('logs', () => {
  it('hold no token and no personal data for a customer-360, and audit the read', async () => {
    const sf = stack.dataset.salesforce;
    const contactsOf = (accountId: string) => sf.contacts.filter((c) => c.AccountId === accountId);
    const account = sf.accounts.find((a) => a.Email__c && a.Phone && contactsOf(a.Id).length > 0);
    if (!account) throw new Error('the dataset has no business account with email, phone and contacts');
    const id = account.Customer_Number__c;
    const before = lines.length;
    const res = await stack.query<{ customer: { name: string; email: string } }>(CUSTOMER_360, { id });
    expect(res.body.data?.customer.name).toBe(account.Name);
    // A storefront request and a refused one log too.
    await stack.query(CUSTOMER_360, { id }, { token: stack.tokens.storefront.token });
    await stack.query(CUSTOMER_360, { id }, { token: `${stack.tokens.agent}x` });
    const out = lines.slice(before).join('');
    expect(out.length).toBeGreaterThan(0);

    const secrets = [stack.tokens.agent, stack.tokens.storefront.token, stack.tokens.agent.split('.')[2] ?? '', account.Name, account.Email__c, account.Phone];
    for (const c of contactsOf(account.Id)) secrets.push(c.Name, c.Email, c.Phone);
    for (const s of secrets.filter((v): v is string => typeof v === 'string' && v.length > 3)) {
      expect(out, `log output contains ${s.slice(0, 12)}…`).not.toContain(s);
    }
    expect(out).not.toContain('x-rsg-caller');

    const audits = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.audit === true && r.correlationId === res.correlationId);
    const groups = new Set(audits.flatMap((r) => (r.customerId === id ? (r.fieldGroups as string[]) : [])));
    expect([...groups].sort()).toEqual(['cases', 'consent', 'contact', 'contacts', 'financials', 'identity', 'loyalty', 'orders']);
    for (const r of audits) {
      expect(r).toMatchObject({ action: 'read', subject: 'agent-test', roles: ['agent'], via: 'token', component: 'audit' });
    }
  });

  it('redact credentials and personal data wherever a logged object carries them', () => {
    const before = lines.length;
    logger.info(
      {
        req: { headers: { authorization: 'Bearer secret-token-value', 'x-rsg-caller': 'v1.signed.value' } },
        connectionParams: { authorization: 'Bearer ws-token-value' },
        variables: { filter: { email: 'someone@example.com' } },
        customer: { email: 'someone@example.com', phone: '+1 555 0100' },
      },
      'redaction check',
    );
    const out = lines.slice(before).join('');
    expect(out).toContain('redaction check');
    for (const s of ['secret-token-value', 'v1.signed.value', 'ws-token-value', 'someone@example.com', '+1 555 0100']) expect(out).not.toContain(s);
  });
});
