import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CROSSWALK_ACCOUNTS } from '../../sandbox/dataset/crosswalk.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createSalesforceClient, soqlLikeEscape, soqlLikePrefix, soqlString, type SalesforceClient } from '../../lib/clients/salesforce.js';
import { loadSalesforceConfig } from '../../lib/config.js';
import { UpstreamError } from '../../lib/errors.js';

describe('SOQL literals', () => {
  it('quotes and escapes per the SOQL rules', () => {
    expect(soqlString('plain')).toBe("'plain'");
    expect(soqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(soqlString('back\\slash')).toBe("'back\\\\slash'");
    expect(soqlString('say "hi"')).toBe("'say \\\"hi\\\"'");
    expect(soqlString('a\nb\rc\td\be\ff')).toBe("'a\\nb\\rc\\td\\be\\ff'");
    expect(soqlString('nul\u0000bell\u0007')).toBe("'nul\\u0000bell\\u0007'");
    expect(soqlString('Müller')).toBe("'Müller'");
    // % and _ are only special in LIKE, and escaping them elsewhere is an error in SOQL.
    expect(soqlString('50%_off')).toBe("'50%_off'");
  });

  it('keeps hostile input inside one literal', () => {
    expect(soqlString("' OR Name LIKE '%")).toBe("'\\' OR Name LIKE \\'%'");
    expect(soqlString("\\' OR Id != null OR Name = '")).toBe("'\\\\\\' OR Id != null OR Name = \\''");
  });

  it('makes LIKE prefixes whose wildcards match themselves', () => {
    expect(soqlLikePrefix("O'Bri")).toBe("'O\\'Bri%'");
    expect(soqlLikePrefix('50%_off')).toBe("'50\\%\\_off%'");
    expect(soqlLikePrefix("' OR Name LIKE '%")).toBe("'\\' OR Name LIKE \\'\\%%'");
    expect(soqlLikePrefix('')).toBe("'%'");
    expect(soqlLikeEscape("a'%_\\")).toBe("a\\'\\%\\_\\\\");
  });
});

const HOSTILE = [
  "' OR Name LIKE '%",
  "x' OR Name != 'x",
  "\\' OR Id != null OR Name = '",
  '\\',
  "'",
  '%',
  '_',
  "') OR (Name LIKE '%",
  'line\nbreak',
  '\u0000',
  ':binding',
  "Robert'); DELETE FROM Account; --",
];

describe('Salesforce client against the sandbox', () => {
  let dataset: RetailDataset;
  let sandbox: SalesforceSandbox;
  let url: string;
  let keyDir: string;
  let keyFile: string;
  const clients: SalesforceClient[] = [];

  const client = (env: Record<string, string> = {}, policy = {}): SalesforceClient => {
    const c = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: url, ...env }), { policy: { backoffMs: 1, ...policy } });
    clients.push(c);
    return c;
  };
  const stats = async (): Promise<{ total: number; calls: Record<string, number> }> =>
    (await fetch(`${url}/__sandbox/stats`)).json() as Promise<{ total: number; calls: Record<string, number> }>;
  const reset = async (): Promise<void> => {
    await fetch(`${url}/__sandbox/stats/reset`, { method: 'POST' });
  };
  const faults = async (f: Record<string, unknown>): Promise<void> => {
    const res = await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
    expect(res.status).toBeLessThan(300);
  };
  /** The dataset's 450 customers and the crosswalk fixtures' accounts. */
  const ACCOUNTS = 450 + CROSSWALK_ACCOUNTS;
  const failure = async (p: Promise<unknown>): Promise<UpstreamError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    return err as UpstreamError;
  };

  beforeAll(async () => {
    dataset = generateDataset({ seed: 7, customers: 450, asOf: new Date('2026-11-20T00:00:00Z') });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keyDir = mkdtempSync(join(tmpdir(), 'sf-jwt-'));
    keyFile = join(keyDir, 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    sandbox = await createSalesforceSandbox({ dataset, jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    url = await sandbox.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sandbox?.close();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('signs in once for concurrent callers (password grant) and reports API usage', async () => {
    await reset();
    const c = client();
    expect(c.authPhase()).toBe('signed_out');
    expect(c.apiUsage()).toBeUndefined();
    const results = await Promise.all(Array.from({ length: 8 }, () => c.query('SELECT Id FROM Account LIMIT 1')));
    expect(results.every((r) => r.records.length === 1)).toBe(true);
    const s = await stats();
    expect(s.calls['POST /services/oauth2/token']).toBe(1);
    expect(s.calls['GET /services/data/:version/query']).toBe(8);
    expect(c.authPhase()).toBe('signed_in');
    const usage = c.apiUsage();
    expect(usage?.limit).toBe(100_000);
    expect(usage?.used).toBeGreaterThanOrEqual(8);
  });

  it('supports the client-credentials grant', async () => {
    const r = await client({ SALESFORCE_AUTH: 'client_credentials' }).query('SELECT COUNT() FROM Account');
    expect(r.totalSize).toBe(ACCOUNTS);
  });

  it('supports the JWT bearer grant with an RS256 assertion', async () => {
    const r = await client({ SALESFORCE_AUTH: 'jwt', SALESFORCE_PRIVATE_KEY_FILE: keyFile }).query('SELECT COUNT() FROM Account');
    expect(r.totalSize).toBe(ACCOUNTS);
  });

  it('refuses a JWT signed with the wrong key as an upstream error naming the OAuth error', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = join(keyDir, 'other.pem');
    writeFileSync(other, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const err = await failure(client({ SALESFORCE_AUTH: 'jwt', SALESFORCE_PRIVATE_KEY_FILE: other }).query('SELECT Id FROM Account LIMIT 1'));
    expect(err.failure).toBe('error');
    expect(err.details.upstreamCode).toBe('invalid_grant');
  });

  it('uses a given instance URL and access token, and cannot re-login when it is revoked', async () => {
    const res = await fetch(`${url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'sandbox' }).toString(),
    });
    const token = (await res.json()) as { access_token: string; instance_url: string };
    const c = client({ SALESFORCE_AUTH: 'token', SALESFORCE_INSTANCE_URL: token.instance_url, SALESFORCE_ACCESS_TOKEN: token.access_token });
    expect((await c.query('SELECT COUNT() FROM Account')).totalSize).toBe(ACCOUNTS);
    sandbox.sessions.expire(token.access_token);
    const err = await failure(c.query('SELECT COUNT() FROM Account'));
    expect(err.failure).toBe('error');
    expect(err.details.upstreamCode).toBe('INVALID_SESSION_ID');
  });

  it('signs in again, once, when the session is refused', async () => {
    const c = client();
    await c.connect();
    await reset();
    sandbox.sessions.revokeAll();
    expect((await c.query('SELECT COUNT() FROM Account')).totalSize).toBe(ACCOUNTS);
    const s = await stats();
    expect(s.calls['POST /services/oauth2/token']).toBe(1);
    // The refused call and its repeat.
    expect(s.calls['GET /services/data/:version/query']).toBe(2);
  });

  it('follows nextRecordsUrl up to what was asked', async () => {
    const c = client();
    await c.connect();
    await reset();
    const all = await c.query('SELECT Id FROM Account ORDER BY Id', { batchSize: 200 });
    expect(all.records).toHaveLength(ACCOUNTS);
    expect(all.totalSize).toBe(ACCOUNTS);
    expect(all.truncated).toBe(false);
    expect(new Set(all.records.map((r) => r.Id)).size).toBe(ACCOUNTS);
    const some = await c.query('SELECT Id FROM Account ORDER BY Id', { batchSize: 200, maxRecords: 250 });
    expect(some.records).toHaveLength(250);
    expect(some.truncated).toBe(true);
    const s = await stats();
    // ceil(455 / 200) = 3 for the first, 2 for the second.
    expect(s.total).toBe(5);
  });

  it('keeps hostile strings literal: no foreign rows, no malformed query', async () => {
    const c = client();
    const obrien = await c.query(`SELECT Customer_Number__c FROM Account WHERE Name = ${soqlString("Siobhan O'Brien")}`);
    expect(obrien.records.map((r) => r.Customer_Number__c)).toEqual(['C-000007']);
    const prefix = await c.query(`SELECT Customer_Number__c, Name FROM Account WHERE Name LIKE ${soqlLikePrefix("siobhan o'bri")}`);
    expect(prefix.records.map((r) => r.Customer_Number__c)).toContain('C-000007');
    const word = await c.query(`SELECT Name FROM Account WHERE Name LIKE '% ${soqlLikeEscape("O'Bri")}%'`);
    expect(word.records.map((r) => r.Name)).toContain("Siobhan O'Brien");
    for (const h of HOSTILE) {
      const eq = await c.query(`SELECT Id FROM Account WHERE Name = ${soqlString(h)}`);
      expect(eq.records, h).toHaveLength(0);
      const like = await c.query(`SELECT Id FROM Account WHERE Name LIKE ${soqlLikePrefix(h)}`);
      expect(like.records, h).toHaveLength(0);
      const word = await c.query(`SELECT Id FROM Account WHERE Name LIKE '% ${soqlLikeEscape(h)}%'`);
      expect(word.records, h).toHaveLength(0);
    }
  });

  it('maps a refused query to an error carrying the Salesforce code, without retrying or quoting the query', async () => {
    const c = client();
    await c.connect();
    await reset();
    const err = await failure(c.query('SELECT Nme FROM Account'));
    expect(err.failure).toBe('error');
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.details.upstreamCode).toBe('INVALID_FIELD');
    expect(err.message).not.toContain('SELECT');
    expect((await stats()).total).toBe(1);
  });

  it('maps 503 to unavailable (retried) and REQUEST_LIMIT_EXCEEDED to rate limited (not retried)', async () => {
    const c = client();
    await c.connect();
    try {
      await faults({ down: true });
      await reset();
      const down = await failure(c.query('SELECT Id FROM Account LIMIT 1'));
      expect(down.failure).toBe('unavailable');
      expect(down.code).toBe('UPSTREAM_UNAVAILABLE');
      expect((await stats()).total).toBe(3);

      await faults({ rateLimitPerMinute: 1 });
      await c.query('SELECT Id FROM Account LIMIT 1').catch(() => undefined);
      await reset();
      const limited = await failure(c.query('SELECT Id FROM Account LIMIT 1'));
      expect(limited.failure).toBe('rate_limited');
      expect(limited.details.upstreamCode).toBe('REQUEST_LIMIT_EXCEEDED');
      expect((await stats()).total).toBe(1);
    } finally {
      await faults({});
    }
  });

  it('maps a refused connection to unavailable and a slow answer to timeout', async () => {
    const dead = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: 'http://127.0.0.1:9' }), { policy: { backoffMs: 1 } });
    clients.push(dead);
    const refused = await failure(dead.query('SELECT Id FROM Account'));
    expect(refused.failure).toBe('unavailable');
    // A session already held (no login): the query itself meets the refused connection, and the message names no host.
    const gone = createSalesforceClient(
      loadSalesforceConfig({ SALESFORCE_AUTH: 'token', SALESFORCE_INSTANCE_URL: 'http://127.0.0.1:9', SALESFORCE_ACCESS_TOKEN: 'token-of-a-held-session' }),
      { policy: { backoffMs: 1, retries: 0 } },
    );
    clients.push(gone);
    const unreachable = await failure(gone.query('SELECT Id FROM Account'));
    expect(unreachable.failure).toBe('unavailable');
    expect(unreachable.message).toBe('Salesforce could not be reached (ECONNREFUSED)');
    // An answer in an encoding the client cannot decode is a clear failure of the system, not an internal error.
    const odd = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
      res.end('not zstd at all');
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = odd.address() as AddressInfo;
      const garbled = createSalesforceClient(
        loadSalesforceConfig({ SALESFORCE_AUTH: 'token', SALESFORCE_INSTANCE_URL: `http://127.0.0.1:${port}`, SALESFORCE_ACCESS_TOKEN: 'token-of-a-held-session' }),
        { policy: { backoffMs: 1, retries: 0 } },
      );
      clients.push(garbled);
      const unreadable = await failure(garbled.query('SELECT Id FROM Account'));
      expect(unreadable.failure).toBe('unavailable');
      expect(unreadable.message).toBe('Salesforce sent an answer this client cannot read');
    } finally {
      await new Promise((resolve) => odd.close(resolve));
    }

    const slow = client({}, { timeoutMs: 200, retries: 0 });
    await slow.connect();
    try {
      await faults({ latencyMs: 1000 });
      await reset();
      const timedOut = await failure(slow.query('SELECT Id FROM Account LIMIT 1'));
      expect(timedOut.failure).toBe('timeout');
      // The policy's timeout cancelled the exchange: the sandbox never finished writing an answer to it.
      // The sandbox logs a call once its injected latency has passed; by then the client has gone.
      const queries = async (): Promise<Array<{ durationMs: number | null }>> => {
        const log = (await (await fetch(`${url}/__sandbox/requests`)).json()) as { requests: Array<{ route: string; durationMs: number | null }> };
        return log.requests.filter((r) => r.route.includes('/query'));
      };
      await vi.waitFor(async () => expect(await queries()).toHaveLength(1), { timeout: 3000, interval: 50 });
      // Time for an answer to be written, had anyone still been waiting for it.
      await new Promise((r) => setTimeout(r, 300));
      expect((await queries())[0]!.durationMs).toBeNull();
    } finally {
      await faults({});
    }
  });
});
