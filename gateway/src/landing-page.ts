/**
 * The landing page: Apollo Sandbox, embedded by Apollo Server's own plugin, with
 * a way out when it cannot load.
 *
 * Sandbox is a script from Apollo's CDN (embeddable-sandbox.cdn.apollographql.com).
 * Offline, or behind a firewall that blocks the CDN, Apollo's page shows only
 * "Welcome to Apollo Server … you might be offline", and its inline script fails
 * on `new window.EmbeddedSandbox`. This plugin keeps Apollo's page as it is (Sandbox
 * stays the default and loads as before) and changes two things in it:
 *
 * - the fallback text, which the Sandbox iframe covers once it loads, says what
 *   failed and where to go instead: the agent console, where the deployment serves
 *   it, or any GraphQL client, with a curl command for this very endpoint;
 * - a script right after the CDN script reveals that text at once when the CDN
 *   script did not load. A script element blocks the parser until it has loaded or
 *   failed, so the check needs no timer. While a blackholed CDN keeps the page
 *   waiting, the text fades in after a second, as Apollo's own does.
 *
 * Both scripts carry the nonce of Apollo's Content-Security-Policy, as its own do.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

export interface SandboxLandingPageOptions {
  /** Where the agent console is, if this deployment serves it: a path on this origin or a URL. @default '/console/' */
  consoleUrl?: string;
}

/** Marks the page's parts that this plugin wrote, for the test that reads it. */
export const FALLBACK_ID = 'sandbox-unavailable';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fallbackHtml(consoleUrl: string): string {
  const link = escapeHtml(consoleUrl);
  return `<div class="fallback" id="${FALLBACK_ID}">
  <h1>Apollo Sandbox could not load</h1>
  <p>This page embeds Apollo Sandbox from Apollo's CDN (<code>embeddable-sandbox.cdn.apollographql.com</code>), which this browser cannot reach: it is offline, or a firewall or proxy blocks the CDN. The graph itself is served here and answers GraphQL requests.</p>
  <p>Instead, use:</p>
  <ul>
    <li>the agent console, if this deployment serves it: <a href="${link}">${link}</a>;</li>
    <li>any GraphQL client (Altair, Insomnia, Postman, GraphQL Code Generator's typed documents, curl) pointed at this URL, with <code>Authorization: Bearer &lt;token&gt;</code>. For example:
      <pre>curl -s <span data-endpoint>http://localhost:4000/graphql</span> -H 'content-type: application/json' \\
  -H "authorization: Bearer $TOKEN" -d '{"query":"{ __typename }"}'</pre>
    </li>
  </ul>
  <p><code>npm start</code> prints development tokens; see the README, "Authenticating in development".</p>
</div>`;
}

/** Fills in this page's own URL, before the CDN script can keep the page waiting. */
const endpointScript = (nonce: string): string => `<script nonce="${nonce}">
  document.querySelectorAll('[data-endpoint]').forEach(function (el) { el.textContent = window.location.origin + window.location.pathname; });
</script>`;

/** Runs after the CDN script has loaded or failed: shows the way out at once if it failed. */
const checkScript = (nonce: string): string => `<script nonce="${nonce}">
  if (typeof window.EmbeddedSandbox !== 'function') {
    var fallback = document.getElementById('${FALLBACK_ID}');
    fallback.style.animation = 'none';
    fallback.style.opacity = '1';
    document.getElementById('embeddableSandbox').style.display = 'none';
  }
</script>`;

const CDN_SCRIPT = /<script nonce="([0-9a-f]+)" src="https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\/[^"]*"><\/script>/;
const APOLLO_FALLBACK = /<div class="fallback">[\s\S]*?<\/div>/;

/**
 * Apollo's page with the fallback above. Throws if the page no longer has the parts
 * it rewrites (a new Apollo Server version), rather than serve a page without them.
 */
export function withFallback(html: string, consoleUrl: string): string {
  const script = CDN_SCRIPT.exec(html);
  const nonce = script?.[1];
  if (!script || !nonce || !APOLLO_FALLBACK.test(html)) {
    throw new Error("Apollo Sandbox's landing page no longer has the CDN script and fallback that gateway/src/landing-page.ts rewrites");
  }
  return html
    .replace(APOLLO_FALLBACK, () => fallbackHtml(consoleUrl))
    .replace(CDN_SCRIPT, (tag) => `${endpointScript(nonce)}\n${tag}\n${checkScript(nonce)}`);
}

/** ApolloServerPluginLandingPageLocalDefault's Sandbox, with the fallback. */
export function SandboxLandingPage<TContext extends BaseContext>(opts: SandboxLandingPageOptions = {}): ApolloServerPlugin<TContext> {
  const consoleUrl = opts.consoleUrl ?? '/console/';
  const apollo = ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: { initialState: { pollForSchemaUpdates: false } } });
  return {
    async serverWillStart(service) {
      const listener = await apollo.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!render) throw new Error('Apollo Server landing page plugin rendered no page');
      return {
        async renderLandingPage() {
          const page = await render();
          const html = page.html;
          return { html: async () => withFallback(typeof html === 'string' ? html : await html(), consoleUrl) };
        },
      };
    },
  };
}
