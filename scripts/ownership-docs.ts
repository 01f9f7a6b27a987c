/** Writes docs/ownership.md from config/ownership.json. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOwnership, ownershipMarkdown } from '../lib/ownership.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, 'docs', 'ownership.md'), ownershipMarkdown(loadOwnership(root)));
console.log('wrote docs/ownership.md');
