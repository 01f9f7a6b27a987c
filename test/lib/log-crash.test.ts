/**
 * Log lines are written asynchronously; audit records must still reach stdout
 * when the process dies right after writing them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Runs a script that writes an audit record, then ends as `ending` says; returns the stdout lines. */
function run(ending: string): { lines: Array<Record<string, unknown>>; status: number | null } {
  const script = `
    import { audit } from './lib/auth/audit.ts';
    import { makeCaller } from './lib/auth/caller.ts';
    const caller = makeCaller({ subject: 'agent-7', roles: ['agent'], via: 'token' });
    for (let i = 0; i < 200; i++) audit(caller, 'corr-' + i, { action: 'read', customerId: 'C-000042', fieldGroups: ['contact'] });
    ${ending}
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', LOG_SYNC: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, status: r.status };
}

describe('audit records and a dying process', () => {
  it('reach stdout when the process throws right after writing them', () => {
    const { lines, status } = run("throw new Error('boom');");
    expect(status).not.toBe(0);
    expect(lines.filter((l) => l.audit === true)).toHaveLength(200);
    expect(lines.at(-1)).toMatchObject({ audit: true, correlationId: 'corr-199', customerId: 'C-000042' });
  });

  it('reach stdout when the process exits at once', () => {
    const { lines, status } = run('process.exit(3);');
    expect(status).toBe(3);
    expect(lines.filter((l) => l.audit === true)).toHaveLength(200);
  });
});
