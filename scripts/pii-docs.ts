/** Writes the personal-data policy table of lib/auth/pii.ts into docs/security.md, between its markers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { piiPolicyMarkdown } from '../lib/auth/pii.js';
import { projectRoot } from '../lib/paths.js';

const file = join(projectRoot, 'docs', 'security.md');
const doc = readFileSync(file, 'utf8');
const marked = /(<!-- pii-policy:start -->\n)[\s\S]*?(\n<!-- pii-policy:end -->)/;
if (!marked.test(doc)) throw new Error('docs/security.md has no <!-- pii-policy:start --> … <!-- pii-policy:end --> markers');
writeFileSync(file, doc.replace(marked, (_m, start: string, end: string) => `${start}${piiPolicyMarkdown()}${end}`));
console.log('wrote the personal-data policy table into docs/security.md');
