/**
 * The manifests folder and its settings (gateway/src/trusted-documents.ts): what
 * loads, what stops the gateway with a message naming the file, what a reload
 * does with a bad manifest, and TRUSTED_DOCUMENTS_* from the environment.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config.js';
import { makeCaller } from '../../lib/auth/index.js';
import { TrustedDocuments, readManifests } from '../../gateway/src/trusted-documents.js';
import { loadTrustedDocumentsOptions } from '../../gateway/src/index.js';
import { projectRoot } from '../../lib/paths.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const DOC = 'query A { __typename }';
const OTHER = 'query B { __typename }';

const dirs: string[] = [];
function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsg-manifests-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the manifests folder', () => {
  it('loads every *.json in the folder and its subfolders, prefixed or bare keys, and nothing else', () => {
    const dir = folder({
      'team-a.json': { [`sha256:${sha256(DOC)}`]: DOC },
      'team-b/persisted-documents.json': { [sha256(OTHER)]: OTHER },
      'team-b/graphql.ts': 'export {};',
    });
    const { documents, files } = readManifests(dir);
    expect(files).toEqual(['team-a.json', join('team-b', 'persisted-documents.json')]);
    expect(documents).toEqual(new Map([[sha256(DOC), DOC], [sha256(OTHER), OTHER]]));
  });

  it("holds the committed manifest, which names every example operation by its document's SHA-256", () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'trusted-documents/retail-supergraph/persisted-documents.json'), 'utf8')) as Record<string, string>;
    const names = Object.values(manifest).map((d) => /^(?:query|mutation|subscription) (\w+)/.exec(d)?.[1]);
    expect(names.sort()).toEqual(expect.arrayContaining(['AgentCustomer360', 'LwcAccountCard', 'StorefrontMyOrders', 'StorefrontTrackOrder']));
    for (const [id, document] of Object.entries(manifest)) expect(id).toBe(`sha256:${sha256(document)}`);
  });

  it.each([
    ['a file that is not JSON', { 'bad.json': '{ nope' }, /bad\.json is not JSON/],
    ['a JSON array', { 'list.json': [DOC] }, /list\.json must be a JSON object/],
    ['a key that is not a sha256', { 'k.json': { AgentCustomer360: DOC } }, /expected keys like "sha256:<64 lowercase hex digits>", got "AgentCustomer360"/],
    ['a key that is not the hash of its document', { 'h.json': { [`sha256:${sha256(OTHER)}`]: DOC } }, /is not the SHA-256 of its document \(that is sha256:[0-9a-f]{64}\)/],
    ['a document that does not parse', { 'p.json': { [`sha256:${sha256('query {')}`]: 'query {' } }, /does not parse as GraphQL/],
    ['a document that is not a string', { 's.json': { [`sha256:${sha256(DOC)}`]: 42 } }, /must map to a document string, got 42/],
  ])('refuses %s, naming the file', (_what, files, message) => {
    const dir = folder(files);
    expect(() => readManifests(dir)).toThrow(ConfigError);
    expect(() => readManifests(dir)).toThrow(message);
  });

  it('refuses a folder that does not exist', () => {
    expect(() => readManifests(join(tmpdir(), 'rsg-no-such-folder'))).toThrow(/expected a folder of manifests at .*rsg-no-such-folder/);
  });

  it('keeps the documents in force when a reload meets a bad manifest', () => {
    const dir = folder({ 'a.json': { [`sha256:${sha256(DOC)}`]: DOC } });
    const trusted = TrustedDocuments.load({ dir, watch: false });
    const storefront = makeCaller({ subject: 'C-000001', roles: ['storefront'], via: 'token', customerId: 'C-000001' });
    writeFileSync(join(dir, 'b.json'), '{ broken');
    expect(trusted.reload()).toBe(false);
    expect(trusted.resolve({ documentId: `sha256:${sha256(DOC)}` }, storefront)).toEqual({ phase: 'trusted', id: `sha256:${sha256(DOC)}`, document: DOC });
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ [`sha256:${sha256(OTHER)}`]: OTHER }));
    expect(trusted.reload()).toBe(true);
    expect(trusted.size).toBe(2);
    trusted.close();
  });
});

describe('TRUSTED_DOCUMENTS_* settings', () => {
  it('default to the repository folder, with storefront callers held to it', () => {
    expect(loadTrustedDocumentsOptions({})).toEqual({ dir: join(projectRoot, 'trusted-documents'), requiredRoles: ['storefront'] });
  });

  it('take a folder and a list of roles, or none', () => {
    const dir = folder({});
    expect(loadTrustedDocumentsOptions({ TRUSTED_DOCUMENTS_DIR: dir, TRUSTED_DOCUMENTS_REQUIRED_ROLES: 'storefront, agent' })).toEqual({ dir, requiredRoles: ['storefront', 'agent'] });
    expect(loadTrustedDocumentsOptions({ TRUSTED_DOCUMENTS_DIR: dir, TRUSTED_DOCUMENTS_REQUIRED_ROLES: 'none' })).toEqual({ dir, requiredRoles: [] });
    // No role held to them and no folder: nothing to load.
    expect(loadTrustedDocumentsOptions({ TRUSTED_DOCUMENTS_DIR: join(dir, 'absent'), TRUSTED_DOCUMENTS_REQUIRED_ROLES: 'none' })).toBe(false);
  });

  it('refuse a role that does not exist, or an empty list', () => {
    expect(() => loadTrustedDocumentsOptions({ TRUSTED_DOCUMENTS_REQUIRED_ROLES: 'storefront,guest' })).toThrow(/TRUSTED_DOCUMENTS_REQUIRED_ROLES: expected a comma-separated list of agent, storefront, finance, operator, or none; got "storefront,guest"/);
    expect(() => loadTrustedDocumentsOptions({ TRUSTED_DOCUMENTS_REQUIRED_ROLES: ' ' })).toThrow(ConfigError);
  });
});
