/**
 * Two copies of `npm start` (its launcher under tsx, as `npm run dev` runs it)
 * side by side, each moved by one PORT_BASE: both come up, each waits for and
 * prints its own ports, each answers a customer-360 from its own sandbox (the
 * other sandbox sees none of its calls), each keeps its write journals apart,
 * and both stop cleanly. A third copy on the first one's ports refuses to start
 * at once, naming the ports in use, and the first keeps answering.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../../lib/manifest.js';
import { freePortBase, startLauncher, type Launcher } from '../support/launcher.js';

const root = join(import.meta.dirname, '..', '..');
const QUERY = `query($id: ID!) { customer(id: $id) { id name orders(first: 2) { nodes { id status } } financials { balance { amount } } cases(first: 2) { totalCount } } }`;

interface Copy {
  base: number;
  launcher: Launcher;
}

/** The agent's development token, as the launchers wrote it (one signing key in .dev/ serves both copies). */
function agentToken(): string {
  return (JSON.parse(readFileSync(join(root, '.dev', 'tokens.json'), 'utf8')) as { agent: string }).agent;
}

async function customer360(base: number, correlationId: string): Promise<{ data?: { customer: { id: string; name: string | null; orders: { nodes: Array<{ id: string }> } } }; errors?: unknown }> {
  const res = await fetch(`http://127.0.0.1:${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken()}`, 'x-correlation-id': correlationId },
    body: JSON.stringify({ query: QUERY, variables: { id: 'C-000042' } }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

/** Calls the copy's sandbox systems received with this correlation id, all three together. */
async function sandboxCalls(base: number, correlationId: string): Promise<number> {
  let total = 0;
  for (const offset of [101, 102, 103]) {
    const res = await fetch(`http://127.0.0.1:${base + offset}/__sandbox/stats?correlationId=${encodeURIComponent(correlationId)}`);
    total += ((await res.json()) as { total: number }).total;
  }
  return total;
}

describe('two copies of npm start on different ports', () => {
  const copies: Copy[] = [];

  beforeAll(async () => {
    const first = await freePortBase();
    const second = await freePortBase([first]);
    for (const base of [first, second]) copies.push({ base, launcher: startLauncher({ PORT_BASE: String(base) }) });
    await Promise.all(copies.map((c) => c.launcher.up(240_000)));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(copies.map((c) => c.launcher.stop('SIGKILL')));
    for (const c of copies) rmSync(join(root, '.data', `port-${c.base}`), { recursive: true, force: true });
  });

  it('both come up, each banner naming its own ports and data directory', () => {
    for (const { base, launcher } of copies) {
      const out = launcher.output();
      expect(out).toContain(`Gateway (GraphQL, Apollo Sandbox)  http://localhost:${base}/graphql`);
      for (const s of SUBGRAPHS) expect(out).toContain(`${s.name.padEnd(9)}http://localhost:${base + s.port - 4000}/graphql`);
      expect(out).toContain(`Salesforce http://localhost:${base + 101}   NetSuite http://localhost:${base + 102}   Zendesk http://localhost:${base + 103}`);
      expect(out).toContain(join(root, '.data', `port-${base}`));
    }
  });

  it('each answers a customer-360 through its own subgraphs and its own sandbox, none through the other copy', async () => {
    for (const [i, { base }] of copies.entries()) {
      const other = copies[1 - i] as Copy;
      const correlationId = `side-by-side-${randomUUID()}`;
      const body = await customer360(base, correlationId);
      expect(body.errors).toBeUndefined();
      expect(body.data?.customer).toMatchObject({ id: 'C-000042', name: expect.stringMatching(/\S/) });
      expect(body.data?.customer.orders.nodes.length).toBeGreaterThan(0);
      // Salesforce, the ERP and the service desk of this copy each answered; the other copy's saw nothing.
      expect(await sandboxCalls(base, correlationId)).toBeGreaterThanOrEqual(3);
      expect(await sandboxCalls(other.base, correlationId)).toBe(0);
    }
  });

  it('keeps each copy’s write journals in a directory of its own', () => {
    for (const { base } of copies) {
      for (const s of SUBGRAPHS) expect(existsSync(join(root, '.data', `port-${base}`, 'writes', s.name, 'writes.lock')), `${base} ${s.name}`).toBe(true);
    }
  });

  it('refuses a third copy on the first one’s ports at once, naming them, and the first keeps answering', async () => {
    const first = copies[0] as Copy;
    const third = startLauncher({ PORT_BASE: String(first.base) });
    expect(await third.exited()).toBe(1);
    expect(third.output()).toContain(`${first.base} (GATEWAY_PORT)`);
    expect(third.output()).toContain(`${first.base + 103} (SANDBOX_ZENDESK_PORT)`);
    expect(third.output()).toContain('already in use, perhaps by another copy of npm start. Set PORT_BASE');
    expect(third.output()).not.toContain('retail-supergraph is up.');
    const body = await customer360(first.base, `side-by-side-${randomUUID()}`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer.id).toBe('C-000042');
  }, 60_000);

  it('both stop cleanly on SIGTERM, every port released', async () => {
    const codes = await Promise.all(copies.map((c) => c.launcher.stop('SIGTERM')));
    expect(codes).toEqual([0, 0]);
    for (const { base } of copies) {
      const answered = await fetch(`http://127.0.0.1:${base}/health/live`).then(
        () => true,
        () => false,
      );
      expect(answered).toBe(false);
    }
  }, 60_000);
});
