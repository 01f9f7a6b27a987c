/**
 * The ownership manifest (config/ownership.json): which system of record owns
 * each field of the graph, and which fields each mutation writes. The brief's
 * rule "writes go to the owning system, and only to it" is checked against the
 * composed schema from this one file, and docs/ownership.md is generated from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import type { SystemOfRecord } from './errors.js';

export interface OwnershipDomain {
  name: string;
  system: SystemOfRecord;
  description: string;
  /** `Type.field`, or `Type.*` for every field of a type. */
  fields: string[];
  /** Fields (or whole entity types, for creates) that mutations may write. */
  writable: string[];
  /** Fields no mutation may ever write. */
  readOnly?: string[];
}

export interface OwnershipManifest {
  subgraphs: Record<string, SystemOfRecord>;
  domains: OwnershipDomain[];
  mutations: Record<string, { writes: string[] }>;
  /** Mutations matching this pattern operate the write queue and write no business data. */
  operationPattern: string;
}

export function loadOwnership(root: string): OwnershipManifest {
  return JSON.parse(readFileSync(join(root, 'config', 'ownership.json'), 'utf8')) as OwnershipManifest;
}

/** Which subgraphs resolve each `Type.field` of a composed supergraph, read from its join directives. */
export function fieldResolvers(supergraphSdl: string): Map<string, string[]> {
  const doc: DocumentNode = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'join__Graph') {
      for (const v of def.values ?? []) {
        const name = v.directives?.find((d) => d.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name');
        if (name?.value.kind === Kind.STRING) graphNames.set(v.name.value, name.value.value);
      }
    }
  }
  const graphArg = (d: ConstDirectiveNode): string | undefined => {
    const g = d.arguments?.find((a) => a.name.value === 'graph');
    return g?.value.kind === Kind.ENUM ? graphNames.get(g.value.value) : undefined;
  };
  const out = new Map<string, string[]>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const typeGraphs = (def.directives ?? []).filter((d) => d.name.value === 'join__type').map(graphArg).filter((g): g is string => !!g);
    for (const field of def.fields ?? []) {
      const fieldGraphs = (field.directives ?? [])
        .filter((d) => d.name.value === 'join__field')
        .filter((d) => !d.arguments?.some((a) => a.name.value === 'external' && a.value.kind === Kind.BOOLEAN && a.value.value))
        .map(graphArg)
        .filter((g): g is string => !!g);
      out.set(`${def.name.value}.${field.name.value}`, fieldGraphs.length > 0 ? fieldGraphs : typeGraphs);
    }
  }
  return out;
}

/** Expands `Type.*` patterns against the fields a schema has. */
export function expand(patterns: readonly string[], allFields: Iterable<string>): string[] {
  const fields = [...allFields];
  return patterns.flatMap((p) => (p.endsWith('.*') ? fields.filter((f) => f.startsWith(p.slice(0, -1))) : [p]));
}

/** The Markdown page generated from the manifest. */
export function ownershipMarkdown(m: OwnershipManifest): string {
  const lines = [
    '# Who owns what',
    '',
    'Generated from `config/ownership.json` by `npm run docs:ownership`; do not edit. `npm test` fails when this page or the schema disagrees with the manifest.',
    '',
    'Each system of record stays the owner of its data. A field is written only through a mutation of the subgraph of the system that owns it; fields marked read-only are never writable through the graph.',
    '',
    '| data | system of record | fields | writable through the graph | never writable |',
    '|---|---|---|---|---|',
  ];
  for (const d of m.domains) {
    const code = (xs: readonly string[]): string => (xs.length === 0 ? 'none' : xs.map((x) => `\`${x}\``).join(', '));
    lines.push(`| **${d.name}**: ${d.description} | ${d.system} | ${code(d.fields)} | ${code(d.writable)} | ${code(d.readOnly ?? [])} |`);
  }
  lines.push('', '## Mutations', '', '| mutation | writes |', '|---|---|');
  for (const [name, { writes }] of Object.entries(m.mutations)) lines.push(`| \`${name}\` | ${writes.map((w) => `\`${w}\``).join(', ')} |`);
  lines.push('', `Mutations named like \`${m.operationPattern}\` operate the write queue (retry or discard a queued write) and change no business data.`, '');
  return lines.join('\n');
}
