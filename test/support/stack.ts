/**
 * The whole product in one process for integration tests: the three sandbox
 * systems of record over one dataset, the four subgraphs wired to them through
 * their real connectors, and the gateway serving the committed supergraph, each
 * on an ephemeral port. Call counts come from the sandboxes' admin API.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createNetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createZendeskSandbox } from '../../sandbox/zendesk/index.js';
import type { Faults } from '../../sandbox/kit/server.js';
import { loadCommonConfig, loadNetSuiteConfig, loadSalesforceConfig, loadZendeskConfig } from '../../lib/config.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { createSalesforceClient } from '../../lib/clients/salesforce.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { createZendeskClient } from '../../lib/clients/zendesk.js';
import { createCustomerSubgraph } from '../../subgraphs/customer/src/index.js';
import { createOrderSubgraph } from '../../subgraphs/order/src/index.js';
import { createFinanceSubgraph } from '../../subgraphs/finance/src/index.js';
import { createServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { startGateway } from '../../gateway/src/gateway.js';

export type SystemName = 'salesforce' | 'netsuite' | 'zendesk';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  correlationId: string;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

export interface CallStats {
  total: number;
  calls: Record<string, number>;
}

export interface Stack {
  dataset: RetailDataset;
  gatewayUrl: string;
  subgraphUrls: Record<'customer' | 'order' | 'finance' | 'service', string>;
  sandboxUrls: Record<SystemName, string>;
  /** Sends an operation to the gateway with a fresh correlation id (or the given one). */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: { correlationId?: string; url?: string },
  ): Promise<GraphQLResponse<T>>;
  /** API calls one system received for a correlation id. */
  stats(system: SystemName, correlationId: string): Promise<CallStats>;
  /** Calls per system for a correlation id. */
  allStats(correlationId: string): Promise<Record<SystemName, CallStats>>;
  faults(system: SystemName, faults: Faults): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

export async function startStack(opts: { customers?: number; seed?: number } = {}): Promise<Stack> {
  const dataset = generateDataset({ seed: opts.seed ?? 42, customers: opts.customers ?? 300, asOf: new Date('2026-11-20T00:00:00Z') });
  const services: Array<{ close(): Promise<void> }> = [];
  try {
    const sf = await createSalesforceSandbox({ dataset });
    services.push(sf);
    const ns = await createNetSuiteSandbox({ dataset });
    services.push(ns);
    const zd = await createZendeskSandbox({ dataset });
    services.push(zd);
    const sandboxUrls = {
      salesforce: await sf.listen(0),
      netsuite: await ns.listen(0),
      zendesk: await zd.listen(0),
    };

    const env = {
      NODE_ENV: 'test',
      ORG_MAPPING_FILE: join(root, 'config', 'org-mapping.json'),
      SALESFORCE_LOGIN_URL: sandboxUrls.salesforce,
      NETSUITE_BASE_URL: `${sandboxUrls.netsuite}/services/rest`,
      ZENDESK_BASE_URL: `${sandboxUrls.zendesk}/api/v2`,
    };
    const common = loadCommonConfig(env);
    const mapping = loadOrgMapping(common.orgMappingFile);
    // Tests of failure modes should not wait out retries; one retry still shows they happen.
    const policy = { retries: 1, backoffMs: 20 };
    const salesforce = createSalesforceClient(loadSalesforceConfig(env), { policy });
    const netsuiteConfig = loadNetSuiteConfig(env);
    const zendesk = createZendeskClient(loadZendeskConfig(env), { policy });
    const listen = { port: 0, host: '127.0.0.1' };

    const subgraphs: RunningService[] = [
      await serveSubgraph(createCustomerSubgraph({ salesforce, mapping }), listen),
      await serveSubgraph(createOrderSubgraph({ netsuite: createNetSuiteClient(netsuiteConfig, { policy }), mapping }), listen),
      await serveSubgraph(createFinanceSubgraph({ netsuite: createNetSuiteClient(netsuiteConfig, { policy }), mapping }), listen),
      await serveSubgraph(createServiceSubgraph({ zendesk, mapping }), listen),
    ];
    services.push(...subgraphs);
    const subgraphUrls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url])) as Stack['subgraphUrls'];
    const gateway = await startGateway({
      supergraph: { phase: 'file', path: join(root, 'supergraph.graphql') },
      subgraphUrls,
      port: 0,
      host: '127.0.0.1',
      production: false,
    });
    services.unshift(gateway);

    const admin = async (system: SystemName, path: string, init?: RequestInit): Promise<unknown> => {
      const res = await fetch(`${sandboxUrls[system]}/__sandbox/${path}`, init);
      if (!res.ok) throw new Error(`sandbox ${system} ${path}: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    };

    const stack: Stack = {
      dataset,
      gatewayUrl: gateway.url,
      subgraphUrls,
      sandboxUrls,
      async query(query, variables, o = {}) {
        const correlationId = o.correlationId ?? `test-${randomUUID()}`;
        const res = await fetch(o.url ?? gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
          body: JSON.stringify({ query, variables }),
        });
        return { status: res.status, correlationId, body: (await res.json()) as GraphQLResponse['body'] } as never;
      },
      stats: (system, correlationId) => admin(system, `stats?correlationId=${encodeURIComponent(correlationId)}`) as Promise<CallStats>,
      async allStats(correlationId) {
        const [salesforce, netsuite, zendesk] = await Promise.all(
          (['salesforce', 'netsuite', 'zendesk'] as const).map((s) => stack.stats(s, correlationId)),
        );
        return { salesforce: salesforce as CallStats, netsuite: netsuite as CallStats, zendesk: zendesk as CallStats };
      },
      async faults(system, faults) {
        await admin(system, 'faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
      },
      async clearFaults() {
        await Promise.all((['salesforce', 'netsuite', 'zendesk'] as const).map((s) => stack.faults(s, {})));
      },
      async close() {
        for (const s of services) await s.close().catch(() => undefined);
      },
    };
    return stack;
  } catch (e) {
    for (const s of services) await s.close().catch(() => undefined);
    throw e;
  }
}
