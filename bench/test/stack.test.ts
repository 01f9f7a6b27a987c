import { describe, expect, it } from 'vitest';
import { SUBGRAPHS, type SubgraphEntry } from '../../lib/manifest.js';
import { benchSupergraphSdl } from '../peers/supergraph.js';
import { BenchStack, sumCalls, type StackOptions } from '../stack.js';

const options = (over: Partial<StackOptions> = {}): StackOptions => ({
  customers: 200,
  seed: 42,
  asOf: '2026-11-20',
  basePort: 5000,
  gatewayCores: undefined,
  otherCores: undefined,
  env: {},
  ...over,
});

const loyalty: SubgraphEntry = { name: 'loyalty', port: 4999, entry: 'subgraphs/loyalty/src/index.ts', owns: ['SALESFORCE'] };

describe('the bench stack reads its subgraphs from the manifest', () => {
  it('starts every subgraph of the manifest from its entry, at base+1, base+2… in manifest order', () => {
    const stack = new BenchStack(options());
    expect(stack.subgraphLaunches().map((l) => [l.name, l.entry, l.origin])).toEqual(
      SUBGRAPHS.map((e, i) => [e.name, e.entry, `http://127.0.0.1:${5001 + i}`]),
    );
  });

  it('needs nothing else for a fifth entry: started, routed to by the gateway and scraped like the others', () => {
    const stack = new BenchStack(options({ basePort: 6000, manifest: [...SUBGRAPHS, loyalty] }));
    const fifth = stack.subgraphLaunches().at(-1);
    expect(fifth).toEqual({
      name: 'loyalty',
      entry: 'subgraphs/loyalty/src/index.ts',
      env: { LOYALTY_SUBGRAPH_PORT: '6005', LOYALTY_SUBGRAPH_HOST: '127.0.0.1' },
      url: 'http://127.0.0.1:6005/graphql',
      origin: 'http://127.0.0.1:6005',
    });
    expect(stack.subgraphOrigin('loyalty')).toBe('http://127.0.0.1:6005');
    const env = stack.gatewayEnv('bench-test');
    expect(env.LOYALTY_SUBGRAPH_URL).toBe('http://127.0.0.1:6005/graphql');
    for (const [i, e] of SUBGRAPHS.entries()) expect(env[`${e.name.toUpperCase()}_SUBGRAPH_URL`]).toBe(`http://127.0.0.1:${6001 + i}/graphql`);
  });

  it('refuses a subgraph the manifest lacks, naming the ones it has', () => {
    expect(() => new BenchStack(options()).subgraphOrigin('loyalty')).toThrow(/no subgraph named 'loyalty' in the manifest \(customer, /);
  });

  it('routes the peers, through the same variables, to the subgraphs it started', () => {
    const env = new BenchStack(options()).gatewayEnv('bench-test');
    const routed = [...benchSupergraphSdl(env).matchAll(/@join__graph\(name: "([a-z]+)", url: "([^"]+)"\)/g)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(routed)).toEqual(Object.fromEntries(SUBGRAPHS.map((e, i) => [e.name, `http://127.0.0.1:${5001 + i}/graphql`])));
  });
});

describe('calls of a ramp are counted per step', () => {
  it('adds the steps up per system and per route, so the measurement keeps its totals', () => {
    const step = (sf: number, ns: number): Parameters<typeof sumCalls>[0][number] => ({
      salesforce: sf,
      netsuite: ns,
      zendesk: 0,
      total: sf + ns,
      byRoute: { salesforce: sf ? { 'GET /query': sf } : {}, netsuite: { 'POST /suiteql': ns }, zendesk: {} },
    });
    expect(sumCalls([step(1, 4), step(0, 2), step(3, 0)])).toEqual({
      salesforce: 4,
      netsuite: 6,
      zendesk: 0,
      total: 10,
      byRoute: { salesforce: { 'GET /query': 4 }, netsuite: { 'POST /suiteql': 6 }, zendesk: {} },
    });
  });
});
