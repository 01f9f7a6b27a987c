/**
 * Generated code is checked in so that clients and resolvers can use it without
 * a build step; this fails when it no longer matches the schemas and operations.
 */
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';

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
});
