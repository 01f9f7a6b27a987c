/** Writes docs/ownership.md from config/ownership.json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOwnership, ownershipMarkdown } from '../lib/ownership.js';
import { projectRoot } from '../lib/paths.js';

writeFileSync(join(projectRoot, 'docs', 'ownership.md'), ownershipMarkdown(loadOwnership(projectRoot)));
console.log('wrote docs/ownership.md');
