/**
 * A subgraph's SDL as composition, codegen and the running subgraph all see it:
 * its own schema file, with the fields of every template it includes, followed
 * by the shared value types (shared.graphql).
 *
 * A template is a file next to this one that adds fields to root types the
 * subgraph already declares (or, for a template type with a description, the
 * whole type where the subgraph has none), written once for every subgraph that needs them
 * (write-queue.graphql: `customerWrite`, `retryCustomerWrites`…). A schema file
 * includes one with a comment line, which GraphQL tools that read the file
 * alone pass over:
 *
 *     #include write-queue subgraph=customer system="Salesforce"
 *
 * Each `{{name}}` in the template becomes that parameter's value, and
 * `{{Name}}` its value capitalised. The fields are added as text after the
 * type's own fields, so the lines of the schema file keep their numbers in
 * composition errors. graphql-tools' mergeTypeDefs would merge the documents
 * too, but reprints the whole schema and is not one of our runtime dependencies.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Kind, parse, type DocumentNode, type ObjectTypeDefinitionNode } from 'graphql';

const SCHEMA_DIR = dirname(fileURLToPath(import.meta.url));

/** The shared value types, exactly as every subgraph includes them. */
export function sharedTypeDefs(): string {
  return readFileSync(join(SCHEMA_DIR, 'shared.graphql'), 'utf8');
}

/** A subgraph's full SDL: its own schema file with its includes expanded, followed by the shared value types. */
export function subgraphSdl(schemaFile: string): string {
  return `${expandIncludes(readFileSync(schemaFile, 'utf8'), schemaFile)}\n${sharedTypeDefs()}`;
}

export function subgraphTypeDefs(schemaFile: string): DocumentNode {
  return parse(subgraphSdl(schemaFile));
}

const INCLUDE = /^#include ([a-z][a-z-]*)((?: +\w+=(?:"[^"]*"|\S+))*) *$/gm;
const PARAMETER = /(\w+)=(?:"([^"]*)"|(\S+))/g;

function expandIncludes(sdl: string, file: string): string {
  let out = sdl;
  for (const [line, name, list] of sdl.matchAll(INCLUDE)) {
    const values = new Map<string, string>();
    for (const [, key, quoted, bare] of list!.matchAll(PARAMETER)) {
      const value = quoted ?? bare!;
      values.set(key!, value).set(key!.charAt(0).toUpperCase() + key!.slice(1), value.charAt(0).toUpperCase() + value.slice(1));
    }
    const template = readFileSync(join(SCHEMA_DIR, `${name}.graphql`), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = values.get(key);
      if (value === undefined) throw new Error(`${file}: '${line}' gives no ${key}, which lib/schema/${name}.graphql needs`);
      return value;
    });
    out = addFields(out, template, `${file} (${line})`);
  }
  return out;
}

const objectTypes = (doc: DocumentNode): ObjectTypeDefinitionNode[] =>
  doc.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);

/**
 * Appends the fields of each type in `template` to the type of the same name in `sdl`.
 * The schema must declare that type, unless the template's type has a description of
 * its own: then a schema without it gets the whole type (write-queue.graphql's
 * Subscription, for a subgraph with no subscriptions of its own).
 */
function addFields(sdl: string, template: string, where: string): string {
  const targets = objectTypes(parse(sdl));
  // From the last type in the file to the first, so that each insertion leaves the earlier offsets valid.
  const inserts = objectTypes(parse(template))
    .map((t) => {
      const target = targets.find((d) => d.name.value === t.name.value);
      const first = t.fields?.[0]?.loc;
      const last = t.fields?.at(-1)?.loc;
      if (!target && t.description?.loc && t.loc) return { at: sdl.length, text: `\n${template.slice(t.loc.start, t.loc.end)}\n` };
      if (!target?.loc || !first || !last) throw new Error(`${where}: the schema declares no type ${t.name.value} to add the template's fields to`);
      // The closing brace, and the template's fields from the start of the first one's line.
      return { at: target.loc.end - 1, text: `${template.slice(template.lastIndexOf('\n', first.start) + 1, last.end)}\n` };
    })
    .sort((a, b) => b.at - a.at);
  return inserts.reduce((text, i) => text.slice(0, i.at) + i.text + text.slice(i.at), sdl);
}
