/**
 * The console's builds and the server that hosts them: a production build has
 * no development sign-in and no token in it (the picker is removed at build
 * time), a development build has the picker, and only a server given a token
 * minter (what `npm start` does) hands out development tokens.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIssuer } from '../../lib/auth/dev.js';
import { startConsoleServer, type RunningConsole } from '../../console/server.js';
import { bundleText, buildConsole } from './support.js';

/** Marks of the development sign-in: its element, its endpoint, its words. */
const PICKER_MARKS = ['dev-role-picker', 'dev/token', 'Sign in as', 'Development sign-in'];
/** A compact JWS, as a built-in token would appear. */
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('console builds', () => {
  let production: Map<string, string>;
  let development: Map<string, string>;
  beforeAll(async () => {
    const prod = await buildConsole('production');
    const dev = await buildConsole('development');
    dirs.push(prod, dev);
    production = await bundleText(prod);
    development = await bundleText(dev);
  }, 120_000);

  it('a production build has no development picker and no token', () => {
    const scripts = [...production].filter(([path]) => path.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const [path, text] of production) {
      for (const mark of PICKER_MARKS) expect(text.includes(mark), `${path} contains '${mark}'`).toBe(false);
      expect(text, path).not.toMatch(JWT);
    }
  });

  it('a development build has the picker, which asks for tokens at run time and holds none', () => {
    const all = [...development.values()].join('\n');
    for (const mark of PICKER_MARKS) expect(all).toContain(mark);
    expect(all).not.toMatch(JWT);
  });
});

describe('console server', () => {
  const servers: RunningConsole[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('says where the gateway is, and hands out no token without a minter', async () => {
    const s = await startConsoleServer({ gatewayUrl: 'http://gateway.test/graphql', dir: '/nonexistent' });
    servers.push(s);
    expect(await (await fetch(new URL('config.json', s.url))).json()).toEqual({ gatewayUrl: 'http://gateway.test/graphql', devSignIn: false, oidc: null });
    expect((await fetch(new URL('dev/token?role=agent', s.url))).status).toBe(404);
  });

  it('mints a development token for a known role only', async () => {
    const issuer = await createDevIssuer();
    const minted: string[] = [];
    const s = await startConsoleServer({
      gatewayUrl: 'http://gateway.test/graphql',
      dir: '/nonexistent',
      devToken: (role) => {
        minted.push(role);
        return issuer.token({ sub: `dev-${role}`, roles: [role] });
      },
    });
    servers.push(s);
    expect(((await (await fetch(new URL('config.json', s.url))).json()) as { devSignIn: boolean }).devSignIn).toBe(true);
    const ok = await fetch(new URL('dev/token?role=finance', s.url));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(((await ok.json()) as { token: string }).token).toMatch(JWT);
    const bad = await fetch(new URL('dev/token?role=storefront', s.url));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(minted).toEqual(['finance']);
  });
});
