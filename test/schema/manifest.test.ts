/**
 * config/subgraphs.json is the one list of subgraphs: composition, the gateway
 * and `npm start` take everything they need about a subgraph from its entry, so
 * adding a fifth one means adding its folder and one line there.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadManifest, SUBGRAPHS, type SubgraphEntry } from '../../lib/manifest.js';
import { compositionList } from '../../scripts/compose.js';
import { bannerLines, launchPlan } from '../../scripts/plan.js';
import { subgraphRouting } from '../../gateway/src/index.js';

const root = join(import.meta.dirname, '..', '..');
const loyalty: SubgraphEntry = { name: 'loyalty', port: 4999, entry: 'subgraphs/loyalty/src/index.ts', owns: ['SALESFORCE'] };
const withFifth = [...SUBGRAPHS, loyalty];

describe('the subgraph manifest', () => {
  it('lists exactly the subgraphs that have a folder, each with its entry point', () => {
    const folders = readdirSync(join(root, 'subgraphs')).filter((d) => existsSync(join(root, 'subgraphs', d, 'schema.graphql')));
    expect(SUBGRAPHS.map((s) => s.name).sort()).toEqual(folders.sort());
    for (const s of SUBGRAPHS) expect(existsSync(join(root, s.entry)), s.entry).toBe(true);
  });

  it('refuses a manifest with a repeated name or port, or a bad entry, naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsg-manifest-'));
    const write = (subgraphs: unknown[]): string => {
      const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ subgraphs }));
      return file;
    };
    expect(() => loadManifest(write([SUBGRAPHS[0], { ...loyalty, port: SUBGRAPHS[0]?.port }]))).toThrow(/port \d+ appears twice/);
    expect(() => loadManifest(write([SUBGRAPHS[0], { ...loyalty, name: SUBGRAPHS[0]?.name }]))).toThrow(/name \w+ appears twice/);
    expect(() => loadManifest(write([{ ...loyalty, name: 'Loyalty Points' }]))).toThrow(/subgraphs\.0\.name: expected a lower-case name/);
  });

  it('is all composition needs: a fifth entry is composed under its name, at its port', () => {
    expect(compositionList(withFifth).at(-1)).toEqual({ name: 'loyalty', url: 'http://localhost:4999/graphql' });
    // The committed supergraph routes each subgraph to its manifest port.
    expect(compositionList()).toEqual(SUBGRAPHS.map((s) => ({ name: s.name, url: `http://localhost:${s.port}/graphql` })));
  });

  it('is all the gateway needs: a fifth entry is introspected at its port, and LOYALTY_SUBGRAPH_URL routes it elsewhere', () => {
    expect(subgraphRouting({}, withFifth).introspect.at(-1)).toEqual({ name: 'loyalty', url: 'http://localhost:4999/graphql' });
    expect(subgraphRouting({ LOYALTY_SUBGRAPH_URL: 'http://loyalty.internal/graphql' }, withFifth).subgraphUrls).toEqual({ loyalty: 'http://loyalty.internal/graphql' });
  });

  it('is all npm start needs: a fifth entry is started, waited for at its port, routed to and printed; port settings move all three', () => {
    const plan = launchPlan({ START_MODE: 'processes' }, withFifth);
    expect(plan.layout).toBe('processes');
    const started = plan.groups[1] ?? [];
    expect(started.map((p) => p.name)).toEqual(withFifth.map((s) => s.name));
    expect(started.at(-1)).toEqual({
      name: 'loyalty',
      entry: 'subgraphs/loyalty/src/index.ts',
      args: ['--import', 'tsx', join(root, 'subgraphs/loyalty/src/index.ts')],
      ready: ['http://127.0.0.1:4999/health'],
      url: 'http://localhost:4999/graphql',
    });
    expect(plan.env.LOYALTY_SUBGRAPH_URL).toBe('http://127.0.0.1:4999/graphql');
    expect(bannerLines(plan).join('\n')).toContain('loyalty  http://localhost:4999/graphql');
    expect(bannerLines(plan).join('\n')).toContain('one process per part');

    const moved = launchPlan({ START_MODE: 'processes', LOYALTY_SUBGRAPH_PORT: '5999', GATEWAY_PORT: '5000' }, withFifth);
    expect(moved.groups[1]?.at(-1)?.ready).toEqual(['http://127.0.0.1:5999/health']);
    expect(moved.env.LOYALTY_SUBGRAPH_URL).toBe('http://127.0.0.1:5999/graphql');
    expect(moved.groups[2]?.[0]?.ready).toEqual(['http://127.0.0.1:5000/health']);
    expect(bannerLines(moved).join('\n')).toContain('http://localhost:5000/graphql');
  });

  it('by default runs the subgraphs and the gateway in one process, waited for at every port the separate parts would use', () => {
    const plan = launchPlan({ LOYALTY_SUBGRAPH_PORT: '5999', GATEWAY_PORT: '5000' }, withFifth);
    expect(plan.layout).toBe('in-process');
    expect(plan.groups.map((g) => g.map((p) => p.name))).toEqual([['sandbox'], ['graph']]);
    expect(plan.groups[1]?.[0]).toMatchObject({ entry: 'scripts/graph.ts', url: 'http://localhost:5000/graphql' });
    expect(plan.groups[1]?.[0]?.ready).toEqual([
      'http://127.0.0.1:5000/health',
      ...SUBGRAPHS.map((s) => `http://127.0.0.1:${s.port}/health`),
      'http://127.0.0.1:5999/health',
    ]);
    const banner = bannerLines(plan).join('\n');
    expect(banner).toContain('one process for the gateway and the subgraphs');
    expect(banner).toContain('loyalty  http://localhost:5999/graphql');
    expect(() => launchPlan({ START_MODE: 'threads' })).toThrow("START_MODE: expected in-process or processes, got 'threads'");
  });

  it('is the only place a subgraph port is written, besides docs, generated files and deployment files', () => {
    const ports = SUBGRAPHS.map((s) => String(s.port));
    // The Dockerfile, compose.yaml and the Kubernetes manifests cannot read the manifest; test/deploy checks their ports against it.
    const deployment = [':!Dockerfile', ':!compose.yaml', ':!deploy/**'];
    // git grep exits 1 when it finds nothing: that is the pass.
    const grep = spawnSync('git', ['grep', '-n', '-w', '-E', ports.join('|'), '--', '.', ':!*.md', ':!package-lock.json', ':!supergraph.graphql', ':!config/subgraphs.json', ...deployment], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(grep.stdout, 'subgraph ports written outside config/subgraphs.json').toBe('');
    expect(grep.status).toBe(1);
  });
});
