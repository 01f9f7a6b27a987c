/**
 * Audit of the service subgraph: reading a case (its text and comments are a
 * customer's personal data) and writing one each leave an audit record naming
 * who, which customer and the correlation id, and never the case's text.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Log everything in this file (tests are silent by default); set before the logger is created.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { captureLogLines } from '../support/logs.js';

const lines: string[] = [];
let stack: Stack & StackIdentity;

beforeAll(async () => {
  captureLogLines(lines);
  stack = await startStack({ customers: 60 });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const audits = (from: number, correlationId: string): Array<Record<string, unknown>> =>
  lines
    .slice(from)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.audit === true && r.correlationId === correlationId);

describe('audit of cases', () => {
  it('records the write and the read of a case with ids only, never its text', async () => {
    const customerId = stack.tokens.storefront.customerId;
    const subject = `Secret subject ${randomUUID().slice(0, 8)}`;
    const description = `Secret description ${randomUUID().slice(0, 8)}`;
    const before = lines.length;
    const opened = await stack.query<{ openCase: { status: string; supportCase: { id: string } | null } }>(
      `mutation($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status supportCase { id } } }`,
      { input: { customerId, subject, description }, key: randomUUID() },
    );
    expect(opened.body.data?.openCase.status).toBe('APPLIED');
    const caseId = opened.body.data?.openCase.supportCase?.id ?? '';
    expect(audits(before, opened.correlationId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'write', operation: 'openCase', customerId, outcome: 'succeeded', subject: 'agent-test' })]),
    );

    const read = await stack.query(`query($id: ID!) { supportCase(id: $id) { subject description comments { body } } }`, { id: caseId }, { token: stack.tokens.storefront.token });
    expect(read.body.errors).toBeUndefined();
    expect(audits(before, read.correlationId)).toEqual([
      expect.objectContaining({ action: 'read', customerId, fieldGroups: ['cases'], subject: customerId, callerCustomerId: customerId }),
    ]);

    const out = lines.slice(before).join('');
    expect(out).not.toContain(subject);
    expect(out).not.toContain(description);
  });
});
