/**
 * The landing page (gateway/src/landing-page.ts): Apollo Sandbox as Apollo Server
 * embeds it, and, where its CDN script cannot load, a page that says so and
 * points to the agent console and to GraphQL clients. No browser here: the
 * served page's scripts run in a bare VM context, with a minimal stand-in DOM, once as if
 * the CDN script had loaded and once as if it had not.
 */
import { join } from 'node:path';
import { runInContext, createContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway.js';
import { createAuthenticator } from '../../gateway/src/auth.js';
import type { GraphQLServerContext } from '@apollo/server';
import { FALLBACK_ID, SandboxLandingPage, withFallback } from '../../gateway/src/landing-page.js';
import { createDevIssuer } from '../../lib/auth/dev.js';
import { TEST_TRUST } from '../support/auth.js';

let gateway: RunningGateway;
let html: string;

beforeAll(async () => {
  const issuer = await createDevIssuer();
  gateway = await startGateway({
    supergraph: { phase: 'file', path: join(import.meta.dirname, '..', '..', 'supergraph.graphql') },
    port: 0,
    host: '127.0.0.1',
    production: false,
    auth: createAuthenticator({ jwks: { phase: 'keys', jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, production: false, allowAnonymous: false }),
    trust: TEST_TRUST,
    subscriptions: false,
  });
  const res = await fetch(gateway.url, { headers: { accept: 'text/html' } });
  expect(res.status).toBe(200);
  html = await res.text();
});

afterAll(async () => {
  await gateway?.close();
});

/** The page's inline scripts, in order, and the nonce each carries. */
function inlineScripts(page: string): Array<{ nonce: string; code: string }> {
  return [...page.matchAll(/<script nonce="([^"]+)">([\s\S]*?)<\/script>/g)].map((m) => ({ nonce: m[1]!, code: m[2]! }));
}

interface StubElement {
  id: string;
  textContent: string;
  style: Record<string, string>;
}

/** Runs the page's inline scripts against a minimal stand-in DOM; `sandbox` is what the CDN script would have defined. */
function runPage(page: string, sandbox: unknown): { elements: Map<string, StubElement>; errors: string[] } {
  const elements = new Map<string, StubElement>();
  const element = (id: string): StubElement => {
    let e = elements.get(id);
    if (!e) elements.set(id, (e = { id, textContent: '', style: {} }));
    return e;
  };
  const window: Record<string, unknown> = { location: { href: 'http://gw.example:4000/graphql', origin: 'http://gw.example:4000', pathname: '/graphql' } };
  if (sandbox) window.EmbeddedSandbox = sandbox;
  const document = {
    getElementById: (id: string) => element(id),
    querySelectorAll: (selector: string) => (selector === '[data-endpoint]' ? [element('endpoint')] : []),
  };
  const context = createContext({ window, document });
  const errors: string[] = [];
  for (const { code } of inlineScripts(page)) {
    // A browser reports an uncaught error in one script and goes on with the next.
    try {
      runInContext(code, context);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { elements, errors };
}

describe('the landing page', () => {
  it("is Apollo Sandbox's embed, unchanged: its CDN script and the code that starts it", () => {
    expect(html).toMatch(/<script nonce="[0-9a-f]+" src="https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\/v2\/embeddable-sandbox\.umd\.production\.min\.js\?runtime=[^"]+"><\/script>/);
    expect(html).toContain('new window.EmbeddedSandbox(');
    expect(html).toContain('<div id="embeddableSandbox"></div>');
  });

  it('says what failed and points to the console and to a GraphQL client, with a curl command', () => {
    expect(html).toContain(`id="${FALLBACK_ID}"`);
    expect(html).toContain('Apollo Sandbox could not load');
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com</code>');
    expect(html).toContain('the agent console, if this deployment serves it: <a href="/console/">/console/</a>');
    expect(html).toMatch(/curl -s <span data-endpoint>[^<]+<\/span> -H 'content-type: application\/json'/);
    expect(html).not.toContain('Welcome to Apollo Server');
  });

  it("runs its scripts under the page's Content-Security-Policy nonce", () => {
    const nonce = /script-src 'self' 'nonce-([0-9a-f]+)'/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    const scripts = inlineScripts(html);
    expect(scripts.length).toBe(3);
    for (const s of scripts) expect(s.nonce).toBe(nonce);
  });

  it('shows the fallback at once, and hides the empty embed, when the CDN script did not load', () => {
    const { elements } = runPage(html, undefined);
    expect(elements.get(FALLBACK_ID)?.style).toMatchObject({ opacity: '1', animation: 'none' });
    expect(elements.get('embeddableSandbox')?.style.display).toBe('none');
    expect(elements.get('endpoint')?.textContent).toBe('http://gw.example:4000/graphql');
  });

  it('leaves the page to Sandbox when the CDN script loaded', () => {
    const started: unknown[] = [];
    const { elements, errors } = runPage(
      html,
      function EmbeddedSandbox(this: unknown, config: unknown) {
        started.push(config);
      },
    );
    expect(errors).toEqual([]);
    expect(started).toEqual([expect.objectContaining({ target: '#embeddableSandbox', initialEndpoint: 'http://gw.example:4000/graphql' })]);
    expect(elements.get(FALLBACK_ID)?.style ?? {}).toEqual({});
    expect(elements.get('embeddableSandbox')?.style.display).toBeUndefined();
  });

  it('links a console elsewhere when told, escaped', async () => {
    // The plugin as the gateway registers it; Apollo's page renderer reads nothing of the server.
    const listener = await SandboxLandingPage({ consoleUrl: 'https://console.example/agent/?a=1&b="2"' }).serverWillStart?.({} as GraphQLServerContext);
    const rendered = await listener?.renderLandingPage?.();
    const page = typeof rendered?.html === 'function' ? await rendered.html() : String(rendered?.html);
    expect(page).toContain('<a href="https://console.example/agent/?a=1&#38;b=&#34;2&#34;">');
    expect(inlineScripts(page)).toHaveLength(3);
  });

  it("refuses to serve a page that no longer has the parts it rewrites, rather than lose the fallback", () => {
    expect(() => withFallback('<html><body>new Apollo page</body></html>', '/console/')).toThrow(/no longer has the CDN script and fallback/);
  });
});
