/**
 * Serves the agent console's built assets (`dist/console/app/`, from
 * `vite build --config console/vite.config.ts`) and the two things the page asks
 * at run time:
 *
 * - `config.json`: where the gateway is (`gatewayUrl`), whether development
 *   sign-in is on, and the identity provider the console signs in with (`oidc`);
 * - `dev/token?role=agent`: a token for a development role, only when given a
 *   `devToken` minter (`npm start` passes its local issuer's; nothing else does).
 *   Without one the path is 404, so a deployment cannot hand out tokens.
 *
 * No token and no gateway address is ever written into the bundle. Any static
 * host can serve the same files with a config.json of its own (docs/console.md).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { projectRoot } from '../lib/paths.js';

/** The development roles a picker offers; storefront tokens are per customer and stay in .dev/tokens.json. */
export const DEV_ROLES = ['agent', 'finance', 'operator'] as const;
export type DevRole = (typeof DEV_ROLES)[number];

/** Sign-in through the identity provider: OIDC authorization code with PKCE, the console a public client. */
export interface ConsoleOidcSettings {
  /** The issuer, whose /.well-known/openid-configuration the page reads. */
  issuer: string;
  /** The console's client id at the provider (a public client: no secret). */
  clientId: string;
  /** @default 'openid' */
  scope?: string;
  /** The resource (RFC 8707) whose access token the gateway accepts, e.g. its AUTH_AUDIENCE. @default none */
  resource?: string;
}

export interface ConsoleServerOptions {
  /** The gateway's GraphQL URL as the browser reaches it, e.g. http://localhost:4000/graphql. */
  gatewayUrl: string;
  /** Mints a token for a development role. Absent: `dev/token` answers 404. @default absent */
  devToken?: (role: DevRole) => Promise<string>;
  /** Sign-in through the identity provider; absent: only development sign-in, if any. @default absent */
  oidc?: ConsoleOidcSettings;
  /** The built console. @default dist/console/app beside the compiled code's root */
  dir?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
}

export interface RunningConsole {
  /** Where a browser opens it, ending in a slash. */
  url: string;
  close(): Promise<void>;
}

/** Where `npm run console:build` writes, whether this runs under tsx or compiled. */
export const defaultConsoleDir = (): string => join(projectRoot, 'dist', 'console', 'app');

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<RunningConsole> {
  const dir = opts.dir ?? defaultConsoleDir();
  const app = express();
  app.disable('x-powered-by');
  app.get('/config.json', (_req, res) => {
    const oidc = opts.oidc ? { scope: 'openid', ...opts.oidc } : null;
    res.set('cache-control', 'no-store').json({ gatewayUrl: opts.gatewayUrl, devSignIn: opts.devToken !== undefined, oidc });
  });
  const mint = opts.devToken;
  if (mint) {
    app.get('/dev/token', (req, res, next) => {
      const role = DEV_ROLES.find((r) => r === req.query.role);
      if (!role) {
        res.status(400).json({ code: 'BAD_USER_INPUT', message: `expected role ${DEV_ROLES.join(', ')}, got '${String(req.query.role ?? '')}'` });
        return;
      }
      mint(role).then((token) => res.set('cache-control', 'no-store').json({ token }), next);
    });
  }
  // Hashed assets may be cached for good; index.html must not be, so a new build is picked up.
  app.use(express.static(dir, { index: 'index.html', setHeaders: (res, path) => res.set('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable') }));
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === undefined || opts.host === '127.0.0.1' || opts.host === '0.0.0.0' ? 'localhost' : opts.host;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
