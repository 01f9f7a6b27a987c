/**
 * Sign-in. A development build offers a picker of development roles, whose
 * tokens the server that hosts the console mints on request (./dev/token, only
 * when `npm start` runs its local issuer). In a production build the picker is
 * not there at all: `__DEV_SIGN_IN__` is false and the minifier removes it.
 * Either build signs in through the identity provider when config.json names
 * one (oidc.ts).
 */
import { useEffect, useState } from 'react';
import type { ConsoleConfig } from './api';
import { beginSignIn, completeSignIn } from './oidc';

const DEV_ROLES = ['agent', 'finance', 'operator'] as const;

async function devToken(role: string): Promise<string> {
  const res = await fetch(`./dev/token?role=${encodeURIComponent(role)}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`development token for ${role}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

function DevRolePicker({ onToken }: { onToken: (token: string, who: string) => void }) {
  const [error, setError] = useState<string>();
  return (
    <div className="sign-in" data-testid="dev-role-picker">
      <p>Development sign-in: pick a role. Its token comes from the local development issuer.</p>
      {DEV_ROLES.map((role) => (
        <button
          key={role}
          type="button"
          onClick={() => {
            devToken(role).then(
              (token) => onToken(token, `${role} (development)`),
              (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
            );
          }}
        >
          Sign in as {role}
        </button>
      ))}
      {error && <p className="banner error">{error}</p>}
    </div>
  );
}

/** Sign-in through the identity provider; completes the return from it when the page is that return. */
function ProviderSignIn({ oidc, onToken }: { oidc: NonNullable<ConsoleConfig['oidc']>; onToken: (token: string, who: string) => void }) {
  const [error, setError] = useState<string>();
  const [returning, setReturning] = useState(true);
  useEffect(() => {
    completeSignIn(oidc).then(
      (token) => (token ? onToken(token, `${new URL(oidc.issuer).host}`) : setReturning(false)),
      (e: unknown) => {
        setReturning(false);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, [oidc, onToken]);
  if (returning && !error) return <p>Signing in…</p>;
  return (
    <div className="sign-in">
      <button type="button" onClick={() => beginSignIn(oidc).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))}>
        Sign in with {new URL(oidc.issuer).host}
      </button>
      {error && <p className="banner error">Sign-in failed: {error}</p>}
    </div>
  );
}

export function SignIn({ config, onToken }: { config: ConsoleConfig; onToken: (token: string, who: string) => void }) {
  return (
    <>
      {__DEV_SIGN_IN__ && config.devSignIn && <DevRolePicker onToken={onToken} />}
      {config.oidc && <ProviderSignIn oidc={config.oidc} onToken={onToken} />}
      {!(__DEV_SIGN_IN__ && config.devSignIn) && !config.oidc && <p className="sign-in">No sign-in is configured for this console (docs/console.md).</p>}
    </>
  );
}
