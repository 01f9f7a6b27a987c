/**
 * How the console talks to the graph: queries and mutations over HTTP, the
 * live updates over graphql-ws on the same URL (CONTRACT.md, Identity: the token
 * goes in the connection parameters). The gateway's address comes from
 * config.json at run time, never from the bundle.
 */
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './__generated__/graphql';

/** What the server that hosts the console says at run time (console/server.ts). */
export interface ConsoleConfig {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  gatewayUrl: string;
  /** Whether a development token endpoint answers (./dev/token); only a development build asks it. */
  devSignIn: boolean;
  /** The identity provider (OIDC authorization code with PKCE); null when not configured. */
  oidc: { issuer: string; clientId: string; scope: string; resource?: string } | null;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}

/** One GraphQL error as the gateway sends it (docs/errors.md). */
export interface GraphQLErrorOut {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; system?: string; [key: string]: unknown };
}

/** An answer: partial data beside the errors of the systems that failed. */
export interface Answer<T> {
  data: T | null;
  errors: GraphQLErrorOut[];
}

export class GraphClient {
  private ws: Client | undefined;

  constructor(
    private readonly config: ConsoleConfig,
    private readonly token: string,
  ) {}

  async request<T, V>(document: TypedDocumentString<T, V>, variables: V): Promise<Answer<T>> {
    const res = await fetch(this.config.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await res.json()) as { data?: T | null; errors?: GraphQLErrorOut[] };
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }

  /** Calls `onNext` per event until the returned function is called. */
  subscribe<T, V>(document: TypedDocumentString<T, V>, variables: V, onNext: (answer: Answer<T>) => void, onError: (message: string) => void): () => void {
    this.ws ??= createClient({
      url: this.config.gatewayUrl.replace(/^http/, 'ws'),
      connectionParams: { authorization: `Bearer ${this.token}` },
      lazy: true,
      retryAttempts: Infinity,
    });
    return this.ws.subscribe<T>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (r) => onNext({ data: (r.data as T | null | undefined) ?? null, errors: (r.errors as GraphQLErrorOut[] | undefined) ?? [] }),
        error: (e) => onError(e instanceof Error ? e.message : 'the live connection closed'),
        complete: () => undefined,
      },
    );
  }

  close(): void {
    void this.ws?.dispose();
  }
}

/** The systems of record by the names errors carry in extensions.system. */
export const SYSTEM_LABEL: Record<string, string> = { SALESFORCE: 'Salesforce', ERP: 'The ERP', SERVICE_DESK: 'The service desk' };
