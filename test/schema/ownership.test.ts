/**
 * The ownership rule, checked against the composed schema: every field of the
 * entities belongs to one system of record and is resolved only by that
 * system's subgraphs; every mutation writes only fields its own system owns;
 * fields the ERP governs (credit, balances, terms, invoices, payments) are
 * never writable; and docs/ownership.md is generated from the manifest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expand, fieldResolvers, loadOwnership, ownershipMarkdown, type OwnershipDomain } from '../../lib/ownership.js';
import { SUPERGRAPH_FILE } from '../../scripts/compose.js';

const root = join(import.meta.dirname, '..', '..');
const manifest = loadOwnership(root);
const resolvers = fieldResolvers(readFileSync(SUPERGRAPH_FILE, 'utf8'));
const allFields = [...resolvers.keys()];
const ENTITIES = ['Customer', 'Order', 'Invoice', 'SupportCase'];

/** The domain of a field: one that lists it by name, else one whose `Type.*` covers it. */
function domainOf(field: string): OwnershipDomain | undefined {
  return (
    manifest.domains.find((d) => d.fields.includes(field) || d.writable.includes(field)) ??
    manifest.domains.find((d) => d.fields.some((p) => p.endsWith('.*') && field.startsWith(p.slice(0, -1))))
  );
}

function systemOf(field: string): string | undefined {
  const type = field.includes('.') ? field : `${field}.id`;
  return domainOf(type)?.system ?? domainOf(`${field}.*`)?.system ?? manifest.domains.find((d) => d.writable.includes(field))?.system;
}

describe('ownership manifest', () => {
  it('names only fields the schema has', () => {
    for (const d of manifest.domains) {
      for (const f of [...d.fields, ...(d.readOnly ?? [])].filter((p) => !p.endsWith('.*'))) {
        // Contract fields a subgraph has not added yet are allowed only if the type exists.
        const type = f.split('.')[0] as string;
        expect(allFields.some((x) => x.startsWith(`${type}.`)), f).toBe(true);
      }
    }
  });

  it('gives every field of every entity (but its key) exactly one owning system', () => {
    for (const f of allFields.filter((x) => ENTITIES.includes(x.split('.')[0] as string) && !x.endsWith('.id'))) {
      expect(domainOf(f), `${f} belongs to no domain in config/ownership.json`).toBeDefined();
    }
  });

  it('has each field resolved only by subgraphs of the system that owns it', () => {
    for (const d of manifest.domains) {
      for (const f of expand(d.fields, allFields)) {
        // An entity's key is resolvable by every subgraph that declares the entity.
        if (domainOf(f) !== d || (ENTITIES.includes(f.split('.')[0] as string) && f.endsWith('.id'))) continue;
        const graphs = resolvers.get(f);
        if (!graphs) continue;
        for (const g of graphs) expect(manifest.subgraphs[g], `${f} is resolved by ${g}`).toBe(d.system);
      }
    }
  });

  it('never makes an ERP-governed field writable', () => {
    const readOnly = new Set(manifest.domains.flatMap((d) => expand(d.readOnly ?? [], allFields)));
    for (const d of manifest.domains) for (const w of expand(d.writable, allFields)) expect(readOnly.has(w), w).toBe(false);
    for (const [name, m] of Object.entries(manifest.mutations)) for (const w of m.writes) expect(readOnly.has(w), `${name} writes ${w}`).toBe(false);
  });

  it('lets every mutation write only fields its own subgraph\'s system owns, and only writable ones', () => {
    const mutations = allFields.filter((f) => f.startsWith('Mutation.'));
    const pattern = new RegExp(manifest.operationPattern);
    for (const m of mutations) {
      const name = m.slice('Mutation.'.length);
      const graphs = resolvers.get(m) ?? [];
      expect(graphs, `${m} is defined by one subgraph`).toHaveLength(1);
      const system = manifest.subgraphs[graphs[0] as string];
      if (pattern.test(name)) continue;
      const entry = manifest.mutations[name];
      expect(entry, `${m} is missing from config/ownership.json`).toBeDefined();
      for (const w of entry?.writes ?? []) {
        expect(systemOf(w), `${name} writes ${w}`).toBe(system);
        const writable = manifest.domains.some((d) => d.writable.includes(w));
        expect(writable, `${name} writes ${w}, which no domain lists as writable`).toBe(true);
      }
    }
  });

  it('is what docs/ownership.md says (run `npm run docs:ownership` if this fails)', () => {
    expect(readFileSync(join(root, 'docs', 'ownership.md'), 'utf8') === ownershipMarkdown(manifest), 'docs/ownership.md is stale: run `npm run docs:ownership`').toBe(true);
  });
});
