/**
 * Generated code is checked in so that clients and resolvers can use it without
 * a build step; this fails when it no longer matches the schemas and operations.
 *
 * That the generated types still match the connectors' records is the type test
 * next to this file, resolver-types.test-d.ts.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';

const resolverTypesFile = (subgraph: string): string => `subgraphs/${subgraph}/src/__generated__/resolvers-types.ts`;

describe('generated code', () => {
  it('is what `npm run codegen` produces (run `npm run codegen` and commit if this fails)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) {
      const committed = existsSync(out.filename) ? readFileSync(out.filename, 'utf8') : '<missing>';
      // A boolean keeps the failure short: the message says what to run.
      expect(committed === out.content, `${out.filename} is stale: run \`npm run codegen\` and commit`).toBe(true);
    }
  }, 120_000);

  it('has resolver types for every subgraph in subgraphs/ (each needs a manifest entry and its codegen.json)', () => {
    const outputs = Object.keys(config.generates).map((f) => relative(process.cwd(), resolve(f)));
    const subgraphs = readdirSync('subgraphs', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(subgraphs.length).toBeGreaterThan(0);
    for (const name of subgraphs) {
      expect(outputs, `codegen generates no resolver types for subgraphs/${name}: add it to config/subgraphs.json, with subgraphs/${name}/codegen.json`).toContain(resolverTypesFile(name));
    }
  });
});
