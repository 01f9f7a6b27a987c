/**
 * Sign-in. A development build offers a picker of development roles, whose
 * tokens the server that hosts the console mints on request (./dev/token, only
 * when `npm start` runs its local issuer). In a production build the picker is
 * not there at all: `__DEV_SIGN_IN__` is false and the minifier removes it.
 */
import { useState } from 'react';
import type { ConsoleConfig } from './api';

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

export function SignIn({ config, onToken }: { config: ConsoleConfig; onToken: (token: string, who: string) => void }) {
  if (__DEV_SIGN_IN__ && config.devSignIn) return <DevRolePicker onToken={onToken} />;
  return (
    <div className="sign-in">
      <p>Sign-in through the identity provider is not configured for this console (docs/console.md).</p>
    </div>
  );
}
