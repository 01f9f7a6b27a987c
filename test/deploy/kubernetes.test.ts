/**
 * The Kustomize manifests under deploy/kubernetes, checked against the code
 * (kubectl cannot run here): every file parses; the base has a Deployment,
 * Service, PodDisruptionBudget and HorizontalPodAutoscaler for the gateway and
 * each subgraph of config/subgraphs.json, on the manifest's ports, probing paths
 * the running processes serve; the grace period covers the preStop wait and the
 * shutdown deadline; only the gateway reaches the subgraphs; every variable is
 * documented and every secret key has a source; the overlays patch only what exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { SUBGRAPHS, settingsPrefix } from '../../lib/manifest.js';
import { DEFAULT_SHUTDOWN_DEADLINE_MS } from '../../lib/server.js';
import { startStack, type Stack } from '../support/stack.js';
import { PORTS, root, undocumented } from './documented.js';

const K8S = join(root, 'deploy', 'kubernetes');
const PARTS = ['gateway', ...SUBGRAPHS.map((s) => s.name)];

// A manifest is nested maps and lists read from YAML: the shapes below name what the checks read.
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  initContainers?: Container[];
}
interface Kustomization {
  resources?: string[];
  patches?: Array<{ path?: string; patch?: string; target?: { kind?: string; name?: string } }>;
  secretGenerator?: Array<{ name: string; literals?: string[] }>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
}

function documents(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${relative(root, file)}: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

/** The resources a kustomization lists (its files, and its bases' resources), without its patches. */
function resourcesOf(dir: string): Resource[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  return (k.resources ?? []).flatMap((r) => {
    const path = join(dir, r);
    return statSync(path).isDirectory() ? resourcesOf(path) : (documents(path) as Resource[]);
  });
}

const kustomization = (dir: string): Kustomization => parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
const base = resourcesOf(join(K8S, 'base'));
const find = (kind: string, name: string): Resource | undefined => base.find((r) => r.kind === kind && r.metadata.name === name);
const podSpec = (d: Resource | undefined): PodSpec => (d?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec ?? { containers: [] };
const configMap = find('ConfigMap', 'retail-supergraph-config');

/** A JSON pointer's value in `doc`, or undefined. */
function at(doc: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), doc);
}

describe('the Kubernetes manifests', () => {
  it('parse, every one', () => {
    const files = yamlFiles(K8S);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(() => documents(f), relative(root, f)).not.toThrow();
  });

  it('give the gateway and every subgraph a Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler on the manifest port', () => {
    for (const part of PARTS) {
      const deployment = find('Deployment', part);
      const [container, ...others] = podSpec(deployment).containers;
      expect(others, part).toEqual([]);
      expect(container?.args, part).toEqual([part]);
      expect(container?.ports, part).toEqual([{ name: 'http', containerPort: PORTS[part] }]);
      const service = find('Service', part);
      expect((service?.spec as { ports: Array<{ port: number; targetPort: string }> }).ports, part).toEqual([{ name: 'http', port: PORTS[part], targetPort: 'http' }]);
      const podLabels = (deployment?.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      for (const selector of [(service?.spec as { selector: Record<string, string> }).selector, (find('PodDisruptionBudget', part)?.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels]) {
        expect(podLabels, part).toMatchObject(selector);
      }
      const hpa = find('HorizontalPodAutoscaler', part)?.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: part });
      expect(hpa.maxReplicas).toBeGreaterThanOrEqual(hpa.minReplicas);
      expect(container?.resources?.requests?.cpu, part).toBeDefined();
      expect(container?.resources?.requests?.memory, part).toBeDefined();
      expect(container?.resources?.limits?.memory, part).toBeDefined();
    }
  });

  it('set the ports and routes in the ConfigMap to the same ports, and route the gateway to the Services', () => {
    expect(configMap?.data?.GATEWAY_PORT).toBe(String(PORTS.gateway));
    for (const s of SUBGRAPHS) {
      expect(configMap?.data?.[`${settingsPrefix(s)}_PORT`]).toBe(String(s.port));
      expect(configMap?.data?.[`${settingsPrefix(s)}_URL`]).toBe(`http://${s.name}:${s.port}/graphql`);
      expect(configMap?.data?.[`${settingsPrefix(s)}_HOST`]).toBe('0.0.0.0');
    }
    for (const part of PARTS) expect(podSpec(find('Deployment', part)).containers[0]?.envFrom).toEqual([{ configMapRef: { name: 'retail-supergraph-config' } }]);
  });

  it('probe liveness on /health/live and readiness on /health/ready, and give the process its whole shutdown deadline', () => {
    const deadlineMs = Number(configMap?.data?.SHUTDOWN_DEADLINE_MS ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
    for (const part of PARTS) {
      const spec = podSpec(find('Deployment', part));
      const c = spec.containers[0];
      expect(c?.livenessProbe?.httpGet, part).toEqual({ path: '/health/live', port: 'http' });
      expect(c?.readinessProbe?.httpGet, part).toEqual({ path: '/health/ready', port: 'http' });
      const preStop = c?.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0], part).toBe('sleep');
      const preStopSeconds = Number(preStop[1]);
      expect(preStopSeconds, part).toBeGreaterThan(0);
      // Kubernetes counts the preStop hook inside the grace period; SIGTERM comes after it.
      expect(spec.terminationGracePeriodSeconds, part).toBeGreaterThanOrEqual(preStopSeconds + deadlineMs / 1000);
    }
  });

  it('let only the gateway (and the scrape and webhook namespaces) reach each subgraph, on its port', () => {
    const policies = base.filter((r) => r.kind === 'NetworkPolicy');
    for (const s of SUBGRAPHS) {
      const mine = policies.filter((p) => (p.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels['app.kubernetes.io/name'] === s.name);
      expect(mine, s.name).toHaveLength(1);
      const spec = mine[0]?.spec as { policyTypes: string[]; ingress: Array<{ from: Array<{ podSelector?: { matchLabels: Record<string, string> }; namespaceSelector?: unknown }>; ports: Array<{ port: number }> }> };
      expect(spec.policyTypes).toEqual(['Ingress']);
      for (const rule of spec.ingress) {
        expect(rule.ports, s.name).toEqual([{ port: s.port, protocol: 'TCP' }]);
        for (const from of rule.from) {
          if (from.podSelector) expect(from.podSelector.matchLabels, s.name).toEqual({ 'app.kubernetes.io/name': 'gateway' });
          else expect(from.namespaceSelector, s.name).toBeDefined();
        }
      }
      expect(spec.ingress.some((r) => r.from.some((f) => f.podSelector?.matchLabels['app.kubernetes.io/name'] === 'gateway'))).toBe(true);
    }
    expect(policies.filter((p) => (p.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels['app.kubernetes.io/name'] === 'gateway')).toEqual([]);
  });

  it('take secrets from the Secret, whose every key the development overlay generates and the operations guide lists, with Redis among them', () => {
    const keys = new Set<string>();
    for (const part of PARTS) {
      for (const e of podSpec(find('Deployment', part)).containers[0]?.env ?? []) {
        expect(e.value, `${part} ${e.name}: a plain value belongs in the ConfigMap`).toBeUndefined();
        const ref = e.valueFrom?.secretKeyRef;
        expect(ref?.name, `${part} ${e.name}`).toBe('retail-supergraph-secrets');
        expect(ref?.key).toBe(e.name);
        keys.add(e.name);
      }
      const env = (podSpec(find('Deployment', part)).containers[0]?.env ?? []).map((e) => e.name);
      expect(env, part).toEqual(expect.arrayContaining(['INTERNAL_AUTH_SECRET', 'REDIS_URL']));
    }
    const generated = kustomization(join(K8S, 'overlays', 'development')).secretGenerator?.find((g) => g.name === 'retail-supergraph-secrets');
    const literalKeys = (generated?.literals ?? []).map((l) => l.slice(0, l.indexOf('=')));
    expect(literalKeys.sort()).toEqual([...keys].sort());
    const guide = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
    for (const k of keys) expect(guide, k).toContain(`--from-literal=${k}=`);
    // Plain settings never carry a secret.
    expect(Object.keys(configMap?.data ?? {}).filter((k) => keys.has(k))).toEqual([]);
  });

  it('name only documented variables', () => {
    const names = new Set<string>();
    for (const file of yamlFiles(K8S)) {
      for (const doc of documents(file) as Resource[]) {
        if (doc.kind === 'ConfigMap') for (const k of Object.keys(doc.data ?? {})) names.add(k);
        if (doc.kind === 'Deployment') for (const c of [...podSpec(doc).containers, ...(podSpec(doc).initContainers ?? [])]) for (const e of c.env ?? []) names.add(e.name);
      }
    }
    for (const overlay of ['development', 'production']) {
      for (const g of kustomization(join(K8S, 'overlays', overlay)).secretGenerator ?? []) for (const l of g.literals ?? []) names.add(l.slice(0, l.indexOf('=')));
    }
    expect(names.size).toBeGreaterThan(20);
    expect(undocumented(names)).toEqual([]);
  });

  for (const overlay of ['development', 'production']) {
    it(`${overlay}: lists resources that exist and patches only resources and fields that exist`, () => {
      const dir = join(K8S, 'overlays', overlay);
      const k = kustomization(dir);
      for (const r of k.resources ?? []) expect(existsSync(join(dir, r)), r).toBe(true);
      const resources = resourcesOf(dir);
      for (const p of k.patches ?? []) {
        if (p.path) {
          for (const doc of documents(join(dir, p.path)) as Resource[]) {
            expect(resources.some((r) => r.kind === doc.kind && r.metadata.name === doc.metadata.name), `${p.path}: ${doc.kind}/${doc.metadata.name}`).toBe(true);
            for (const c of podSpec(doc).containers) {
              const target = resources.find((r) => r.kind === doc.kind && r.metadata.name === doc.metadata.name);
              expect(podSpec(target).containers.map((x) => x.name), `${p.path}: container ${c.name}`).toContain(c.name);
            }
          }
          continue;
        }
        const targets = resources.filter((r) => r.kind === p.target?.kind && (p.target?.name === undefined || r.metadata.name === p.target.name));
        expect(targets.length, JSON.stringify(p.target)).toBeGreaterThan(0);
        for (const op of parse(p.patch ?? '[]') as Array<{ op: string; path: string }>) {
          for (const t of targets) {
            if (op.op === 'remove' || op.op === 'replace') expect(at(t, op.path), `${t.kind}/${t.metadata.name} ${op.op} ${op.path}`).toBeDefined();
            else expect(at(t, dirname(op.path)), `${t.kind}/${t.metadata.name} ${op.op} ${op.path}`).toBeDefined();
          }
        }
      }
    });
  }

  it('development: points every connector at the sandbox overlay Service, and its gateway verifies the identity its init container writes', () => {
    const dir = join(K8S, 'overlays', 'development');
    const config = (documents(join(dir, 'config.yaml'))[0] as Resource).data ?? {};
    const sandbox = resourcesOf(dir).find((r) => r.kind === 'Service' && r.metadata.name === 'sandbox');
    const ports = (sandbox?.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port);
    for (const key of ['SALESFORCE_LOGIN_URL', 'NETSUITE_BASE_URL', 'ZENDESK_BASE_URL']) {
      const url = new URL(config[key] ?? '');
      expect(url.hostname, key).toBe('sandbox');
      expect(ports, key).toContain(Number(url.port));
    }
    const identity = podSpec(documents(join(dir, 'gateway-identity.yaml'))[0] as Resource);
    expect(identity.initContainers?.[0]?.args).toEqual(['dev-identity']);
    expect(config.AUTH_JWKS_FILE).toBe('/app/.dev/jwks.json');
    expect(config.SERVICE_WEBHOOK_URL).toBe(`http://service:${PORTS.service}/webhooks/zendesk`);
    // The sandbox's Zendesk may deliver to the service subgraph, on its port.
    const policy = resourcesOf(dir).find((r) => r.kind === 'NetworkPolicy' && r.metadata.name === 'service-from-sandbox');
    expect((policy?.spec as { ingress: Array<{ ports: Array<{ port: number }> }> }).ingress[0]?.ports).toEqual([{ port: PORTS.service, protocol: 'TCP' }]);
  });
});

describe('the probe paths, as the processes serve them', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ customers: 10 });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('answer 200 on every part the manifests probe', async () => {
    const deployments = PARTS.map((p) => find('Deployment', p));
    const paths = new Set(deployments.flatMap((d) => [podSpec(d).containers[0]?.livenessProbe?.httpGet?.path, podSpec(d).containers[0]?.readinessProbe?.httpGet?.path]));
    expect([...paths].sort()).toEqual(['/health/live', '/health/ready']);
    const urls = [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)];
    for (const url of urls) for (const path of paths) expect((await fetch(new URL(path ?? '', url))).status, `${url} ${path}`).toBe(200);
  });
});
