/**
 * The console: sign in, find a customer, see their 360. One search box reads
 * what was typed: a customer number (C-000042), an e-mail address, a phone
 * number, or else the start of a name.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { GraphClient, loadConfig, type ConsoleConfig, type GraphQLErrorOut } from './api';
import { CustomerById, FindCustomers } from './documents';
import { Customer360View } from './customer-360';
import { SignIn } from './sign-in';
import type { CustomerFilter } from './__generated__/graphql';

type Found = Array<{ id: string; name: string | null; email: string | null; phone: string | null }>;

/** What a search box entry is: a customer number, or a filter of the customers query. */
export function searchOf(text: string): { id: string } | { filter: CustomerFilter } {
  const t = text.trim();
  if (/^C-\d+$/i.test(t)) return { id: t.toUpperCase() };
  if (t.includes('@')) return { filter: { email: t } };
  if (/^\+?[\d\s().-]{7,}$/.test(t)) return { filter: { phone: t } };
  return { filter: { namePrefix: t } };
}

function Search({ client, onPick }: { client: GraphClient; onPick: (id: string) => void }) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found>();
  const [errors, setErrors] = useState<GraphQLErrorOut[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const search = searchOf(text);
    const done = (list: Found, errs: GraphQLErrorOut[]) => {
      setErrors(errs);
      setFound(list);
      const only = list[0];
      if (list.length === 1 && only) onPick(only.id);
    };
    if ('id' in search) {
      void client.request(CustomerById, search).then(({ data, errors: errs }) => done(data?.customer ? [data.customer] : [], errs));
    } else {
      void client.request(FindCustomers, { filter: search.filter }).then(({ data, errors: errs }) => done(data?.customers.nodes ?? [], errs));
    }
  };
  return (
    <div className="search">
      <form onSubmit={submit}>
        <input aria-label="Find a customer" placeholder="Name, e-mail, phone or customer number" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Find</button>
      </form>
      {errors.map((e, i) => (
        <div key={i} className="banner error" role="alert">
          {e.extensions?.code ?? 'ERROR'}: {e.message}
        </div>
      ))}
      {found && found.length === 0 && <p>No customer matches.</p>}
      {found && found.length > 1 && (
        <ul className="found">
          {found.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" onClick={() => onPick(c.id)}>
                {c.name ?? c.id}
              </button>{' '}
              {c.id} · {c.email ?? ''} · {c.phone ?? ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Signed({ config, token, who }: { config: ConsoleConfig; token: string; who: string }) {
  const client = useMemo(() => new GraphClient(config, token), [config, token]);
  useEffect(() => () => client.close(), [client]);
  // Each pick loads afresh, also of the customer on screen (a new key remounts the 360).
  const [picked, setPicked] = useState<{ id: string; n: number }>();
  return (
    <>
      <p className="who">Signed in as {who}</p>
      <Search client={client} onPick={(id) => setPicked((p) => ({ id, n: (p?.n ?? 0) + 1 }))} />
      {picked && <Customer360View key={`${picked.id}#${picked.n}`} client={client} customerId={picked.id} />}
    </>
  );
}

export function App() {
  const [config, setConfig] = useState<ConsoleConfig>();
  const [failure, setFailure] = useState<string>();
  const [session, setSession] = useState<{ token: string; who: string }>();
  // Stable, so that the provider sign-in completes its return once.
  const onToken = useCallback((token: string, who: string) => setSession({ token, who }), []);
  useEffect(() => {
    loadConfig().then(setConfig, (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  }, []);
  return (
    <main>
      <h1>Agent console</h1>
      {failure && <div className="banner error">{failure}</div>}
      {config && !session && <SignIn config={config} onToken={onToken} />}
      {config && session && <Signed config={config} token={session.token} who={session.who} />}
    </main>
  );
}
