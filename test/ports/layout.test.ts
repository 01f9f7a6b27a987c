/**
 * One port layout for every part: PORT_BASE moves the gateway, the subgraphs and
 * the sandbox together, each keeping its offset from 4000 (CONTRACT.md's
 * defaults when unset), and whoever calls a part follows its port: the gateway's
 * route to a subgraph, a connector's base URL to its sandbox system, the
 * launcher's readiness checks and banner.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutPort, loadNetSuiteConfig, loadSalesforceConfig, loadServiceConfig, loadZendeskConfig, portBase } from '../../lib/config.js';
import { SUBGRAPHS, settingsPrefix, subgraphPort } from '../../lib/manifest.js';
import { subgraphRouting } from '../../gateway/src/index.js';
import { bannerLines, launchPlan } from '../../scripts/plan.js';

const root = join(import.meta.dirname, '..', '..');

describe('the port layout', () => {
  it('is CONTRACT.md when nothing is set: gateway 4000, subgraphs at their manifest ports, sandbox 4101 to 4103, connectors on the sandbox', () => {
    const plan = launchPlan({});
    expect(plan.ports).toEqual([
      { variable: 'GATEWAY_PORT', port: 4000 },
      ...SUBGRAPHS.map((s) => ({ variable: `${settingsPrefix(s)}_PORT`, port: s.port })),
      { variable: 'SANDBOX_SALESFORCE_PORT', port: 4101 },
      { variable: 'SANDBOX_NETSUITE_PORT', port: 4102 },
      { variable: 'SANDBOX_ZENDESK_PORT', port: 4103 },
      { variable: 'CONSOLE_PORT', port: 4010 },
    ]);
    expect(plan.consolePort).toBe(4010);
    expect(plan.dataDir).toBeUndefined();
    expect(plan.env).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [`${settingsPrefix(s)}_URL`, `http://127.0.0.1:${s.port}/graphql`])));
    expect(loadSalesforceConfig({}).loginUrl).toBe('http://localhost:4101');
    expect(loadNetSuiteConfig({}).baseUrl).toBe('http://localhost:4102/services/rest');
    expect(loadZendeskConfig({}).baseUrl).toBe('http://localhost:4103/api/v2');
    expect(loadServiceConfig('GATEWAY', 4000, {}).port).toBe(4000);
    // The committed supergraph's URLs stand when no port was moved.
    expect(subgraphRouting({}).subgraphUrls).toEqual({});
  });

  it('moves every part with PORT_BASE, and everything that calls them: readiness, banner, gateway routes, connectors, listen ports', () => {
    const env = { PORT_BASE: '5200' };
    const plan = launchPlan(env);
    expect(plan.ports.map((p) => p.port)).toEqual([5200, ...SUBGRAPHS.map((s) => s.port + 1200), 5301, 5302, 5303, 5210]);
    expect(plan.consolePort).toBe(5210);
    const ready = plan.groups.flat().flatMap((p) => p.ready);
    expect(ready).toEqual([
      'http://127.0.0.1:5301/__sandbox/stats',
      'http://127.0.0.1:5302/__sandbox/stats',
      'http://127.0.0.1:5303/__sandbox/stats',
      'http://127.0.0.1:5200/health',
      ...SUBGRAPHS.map((s) => `http://127.0.0.1:${s.port + 1200}/health`),
    ]);
    const banner = bannerLines(plan).join('\n');
    expect(banner).toContain('http://localhost:5200/graphql');
    for (const s of SUBGRAPHS) expect(banner).toContain(`${s.name.padEnd(9)}http://localhost:${s.port + 1200}/graphql`);
    expect(banner).toContain('Salesforce http://localhost:5301   NetSuite http://localhost:5302   Zendesk http://localhost:5303');
    expect(banner).toContain(join(root, '.data', 'port-5200'));

    for (const s of SUBGRAPHS) {
      expect(subgraphPort(s, env)).toBe(s.port + 1200);
      expect(loadServiceConfig(settingsPrefix(s), s.port, env).port).toBe(s.port + 1200);
      expect(subgraphRouting(env).subgraphUrls[s.name]).toBe(`http://localhost:${s.port + 1200}/graphql`);
    }
    expect(loadServiceConfig('GATEWAY', 4000, env).port).toBe(5200);
    expect(loadSalesforceConfig(env).loginUrl).toBe('http://localhost:5301');
    expect(loadNetSuiteConfig(env).baseUrl).toBe('http://localhost:5302/services/rest');
    expect(loadZendeskConfig(env).baseUrl).toBe('http://localhost:5303/api/v2');
  });

  it('gives a copy on another gateway port its own journals, feed state and Redis namespace, unless they are set', () => {
    const plan = launchPlan({ PORT_BASE: '5200' });
    expect(plan.env).toMatchObject({
      WRITES_DIR: join(root, '.data', 'port-5200', 'writes'),
      FEEDS_DIR: join(root, '.data', 'port-5200', 'feeds'),
      RSG_NAMESPACE: 'rsg-5200',
    });
    const given = launchPlan({ GATEWAY_PORT: '6000', WRITES_DIR: '/srv/w', FEEDS_DIR: '/srv/f', RSG_NAMESPACE: 'mine' });
    expect(given.env).not.toHaveProperty('WRITES_DIR');
    expect(given.env).not.toHaveProperty('FEEDS_DIR');
    expect(given.env).not.toHaveProperty('RSG_NAMESPACE');
    expect(given.dataDir).toBeUndefined();
  });

  it('lets a part’s own variable and an explicit URL win over PORT_BASE', () => {
    const [first] = SUBGRAPHS;
    if (!first) throw new Error('empty manifest');
    const prefix = settingsPrefix(first);
    const env = { PORT_BASE: '5200', GATEWAY_PORT: '7000', [`${prefix}_PORT`]: '7001', SANDBOX_NETSUITE_PORT: '7102', ZENDESK_BASE_URL: 'https://acme.zendesk.com/api/v2', [`${prefix}_URL`]: 'http://elsewhere:9/graphql' };
    const plan = launchPlan(env);
    expect(plan.ports).toContainEqual({ variable: 'GATEWAY_PORT', port: 7000 });
    expect(plan.ports).toContainEqual({ variable: `${prefix}_PORT`, port: 7001 });
    expect(plan.ports).toContainEqual({ variable: 'SANDBOX_NETSUITE_PORT', port: 7102 });
    expect(plan.env).not.toHaveProperty(`${prefix}_URL`);
    expect(subgraphRouting(env).subgraphUrls[first.name]).toBe('http://elsewhere:9/graphql');
    expect(loadNetSuiteConfig(env).baseUrl).toBe('http://localhost:7102/services/rest');
    expect(loadZendeskConfig(env).baseUrl).toBe('https://acme.zendesk.com/api/v2');
    expect(loadSalesforceConfig(env).loginUrl).toBe('http://localhost:5301');
    // One subgraph's port alone moves the gateway's route to it, not to the others.
    expect(Object.keys(subgraphRouting({ [`${prefix}_PORT`]: '7001' }).subgraphUrls)).toEqual([first.name]);
  });

  it('refuses a base that is not a port, a layout past 65535, and two parts on one port, naming the variables', () => {
    expect(portBase({})).toBe(4000);
    expect(() => portBase({ PORT_BASE: 'high' })).toThrow(/PORT_BASE="high": expected a port number such as 5000/);
    expect(() => launchPlan({ PORT_BASE: '0' })).toThrow(/PORT_BASE="0"/);
    expect(() => layoutPort(4103, { PORT_BASE: '65500' })).toThrow('PORT_BASE=65500 puts a part on port 65603, past 65535: expected a base of at most 65432');
    expect(() => launchPlan({ SANDBOX_ZENDESK_PORT: '4000' })).toThrow('SANDBOX_ZENDESK_PORT and GATEWAY_PORT are both 4000: every part needs a port of its own');
    expect(() => launchPlan({ GATEWAY_PORT: 'x' })).toThrow('GATEWAY_PORT="x": expected a port number');
  });
});
