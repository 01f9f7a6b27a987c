/**
 * Trusted documents: a safelist of the operations public clients may run.
 *
 * A storefront can send any document the schema allows, unless the gateway holds
 * it to a list. The list is a folder of manifests, each a JSON object of
 * `"sha256:<hex>": "<document>"`, exactly what GraphQL Code Generator's client
 * preset writes with `persistedDocuments` (`persisted-documents.json`). This
 * repository's own manifest is generated from examples/operations/ (and the
 * console's documents); other teams add theirs as more files in the folder.
 *
 * A client names a document by its hash, in one of two wire forms:
 * - `documentId: "sha256:<hex>"` beside `variables` (the GraphQL over HTTP
 *   draft's persisted documents appendix), in the JSON body, the GET query string,
 *   or a graphql-ws subscribe payload;
 * - Apollo's APQ extension, `extensions.persistedQuery.sha256Hash`, for a hash that
 *   is in a manifest (Apollo Client's persisted query link with a manifest's ids).
 *
 * A caller with a role that requires trusted documents (storefront by default)
 * runs only documents named that way. Any other request, an ad-hoc `query` or an
 * attempt to register one through APQ, is refused here, before Apollo parses,
 * plans or fetches anything. Other callers keep ad-hoc documents and Apollo's APQ.
 *
 * The folder is read at start, and again whenever a file in it changes (a team
 * adds its manifest, a ConfigMap is updated). A manifest that does not load at
 * start stops the gateway; one that does not load on a reload is logged and the
 * documents already loaded stay in force.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError, Kind, parse } from 'graphql';
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ConfigError } from '../../lib/config.js';
import { ErrorCode, unreachable } from '../../lib/errors.js';
import { childLogger } from '../../lib/log.js';
import type { Caller, Role } from '../../lib/auth/index.js';

const log = childLogger('trusted-documents');

export interface TrustedDocumentsOptions {
  /** The folder of manifests: every `*.json` file in it and in its subfolders. */
  dir: string;
  /**
   * Roles whose callers may run only documents from a manifest; a caller holding
   * one of them is held to it. An empty list lets every caller send ad-hoc documents.
   * @default ['storefront']
   */
  requiredRoles?: readonly Role[];
  /** Read the folder again when a file in it changes. @default true */
  watch?: boolean;
}

/** What a request says about its document, in whichever transport it came. */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type DocumentResolution =
  /** Run what the request carries, as Apollo would without this feature (an ad-hoc query, APQ outside the manifests). */
  | { phase: 'as-sent' }
  /** Run this manifest document in place of whatever the request carried. */
  | { phase: 'trusted'; id: string; document: string };

const SHA256_ID = /^sha256:([0-9a-f]{64})$/;
/** A manifest key: the client preset writes `sha256:<hex>`; older versions wrote the bare hex. */
const MANIFEST_KEY = /^(?:sha256:)?([0-9a-f]{64})$/;

/** Where the refusals' HTTP status goes (Apollo takes `http` out of the extensions a client sees). */
function refusal(code: string, message: string, status: number): GraphQLError {
  // Like Apollo's own PERSISTED_QUERY_NOT_FOUND: a cache in front must not keep the answer past the next manifest.
  const extensions: Record<string, unknown> = { code, http: { status, headers: new HeaderMap([['cache-control', 'private, no-cache, must-revalidate']]) } };
  return new GraphQLError(message, { extensions });
}

const badRequest = (message: string): GraphQLError => refusal(ApolloServerErrorCode.BAD_REQUEST, message, 400);

function describe(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The manifests under `dir`, as `sha256 hex -> document`; throws naming the file and key that are wrong. */
export function readManifests(dir: string): { documents: Map<string, string>; files: string[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`trusted documents: expected a folder of manifests at ${dir}, found none`);
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.json')).sort();
  const documents = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`trusted documents: ${path} is not JSON (${(e as Error).message}); expected {"sha256:<hex>": "<document>", …}`);
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new ConfigError(`trusted documents: ${path} must be a JSON object of {"sha256:<hex>": "<document>"}, got ${describe(manifest)}`);
    }
    for (const [key, document] of Object.entries(manifest)) {
      const hex = MANIFEST_KEY.exec(key)?.[1];
      if (!hex) throw new ConfigError(`trusted documents: ${path}: expected keys like "sha256:<64 lowercase hex digits>", got ${describe(key)}`);
      if (typeof document !== 'string') throw new ConfigError(`trusted documents: ${path}: ${key} must map to a document string, got ${describe(document)}`);
      // The hash is the document's own: a key that is not cannot be matched by an APQ client, and hides an edit.
      const actual = createHash('sha256').update(document).digest('hex');
      if (actual !== hex) throw new ConfigError(`trusted documents: ${path}: ${key} is not the SHA-256 of its document (that is sha256:${actual}); regenerate the manifest`);
      try {
        parse(document);
      } catch (e) {
        throw new ConfigError(`trusted documents: ${path}: ${key} does not parse as GraphQL: ${(e as Error).message}`);
      }
      documents.set(hex, document);
    }
  }
  return { documents, files };
}

/** The names of the operations the documents define: a bounded set, since only the manifests hold them. */
function operationNamesOf(documents: ReadonlyMap<string, string>): Set<string> {
  const names = new Set<string>();
  for (const document of documents.values()) {
    // Every document parsed when its manifest was read.
    for (const def of parse(document).definitions) if (def.kind === Kind.OPERATION_DEFINITION && def.name) names.add(def.name.value);
  }
  return names;
}

export class TrustedDocuments {
  private documents: Map<string, string>;
  private names: Set<string>;
  private readonly required: ReadonlySet<Role>;
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly opts: TrustedDocumentsOptions,
    documents: Map<string, string>,
  ) {
    this.documents = documents;
    this.names = operationNamesOf(documents);
    this.required = new Set(opts.requiredRoles ?? ['storefront']);
  }

  /** Reads the folder (throws ConfigError if a manifest is wrong) and, unless told not to, watches it. */
  static load(opts: TrustedDocumentsOptions): TrustedDocuments {
    const { documents, files } = readManifests(opts.dir);
    log.info({ dir: opts.dir, manifests: files, documents: documents.size, requiredRoles: opts.requiredRoles ?? ['storefront'] }, 'trusted documents loaded');
    const trusted = new TrustedDocuments(opts, documents);
    if (opts.watch ?? true) trusted.watch();
    return trusted;
  }

  /** Whether a manifest document defines an operation of this name (the operation metrics label it by name). */
  definesOperation(name: string): boolean {
    return this.names.has(name);
  }

  /** How many distinct documents the manifests hold. */
  get size(): number {
    return this.documents.size;
  }

  /** Whether this caller may run only manifest documents. */
  requiredFor(caller: Caller): boolean {
    return caller.roles.some((r) => this.required.has(r));
  }

  /** Reads the folder again now; keeps the documents in force when a manifest is wrong. Answers whether it loaded. */
  reload(): boolean {
    try {
      const { documents, files } = readManifests(this.opts.dir);
      this.documents = documents;
      this.names = operationNamesOf(documents);
      log.info({ dir: this.opts.dir, manifests: files, documents: documents.size }, 'trusted documents reloaded');
      return true;
    } catch (e) {
      log.error({ err: (e as Error).message, dir: this.opts.dir, documents: this.documents.size }, 'trusted documents not reloaded; the documents loaded before stay in force');
      return false;
    }
  }

  private watch(): void {
    try {
      this.watcher = watch(this.opts.dir, { recursive: true, persistent: false }, () => {
        // Editors and ConfigMap updates write in several steps: read once they settle.
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => this.reload(), 100);
        this.reloadTimer.unref();
      });
      this.watcher.on('error', (err) => log.warn({ err, dir: this.opts.dir }, 'trusted documents: watching the folder failed; restart the gateway to load new manifests'));
    } catch (err) {
      log.warn({ err, dir: this.opts.dir }, 'trusted documents: the folder cannot be watched; new manifests load when the gateway restarts');
    }
  }

  /**
   * Which document a request runs, or the refusal (a GraphQLError carrying its
   * HTTP status) for a caller that may not run what it sent.
   */
  resolve(request: DocumentRequest, caller: Caller): DocumentResolution {
    try {
      return this.decide(request, caller);
    } catch (e) {
      // Which client still sends what it should not, for whoever rolls out a manifest.
      if (e instanceof GraphQLError) log.info({ subject: caller.subject, roles: caller.roles, code: e.extensions.code }, 'trusted documents: request refused');
      throw e;
    }
  }

  private decide(request: DocumentRequest, caller: Caller): DocumentResolution {
    const required = this.requiredFor(caller);
    // graphql-ws requires a `query` string, so a subscribe that names its document sends "".
    const query = request.query === '' ? undefined : request.query;
    const persisted = apqHash(request.extensions);

    if (request.documentId !== undefined && request.documentId !== null) {
      const hex = typeof request.documentId === 'string' ? SHA256_ID.exec(request.documentId)?.[1] : undefined;
      if (!hex) throw badRequest(`expected documentId like "sha256:<64 lowercase hex digits>", got ${describe(request.documentId)}`);
      if (query !== undefined || persisted.phase !== 'absent') {
        throw badRequest('expected a document named one way: documentId, or query (with or without extensions.persistedQuery), not both');
      }
      return this.named(hex, request.documentId as string);
    }

    switch (persisted.phase) {
      case 'absent':
        if (!required) return { phase: 'as-sent' };
        throw refusal(
          ErrorCode.TRUSTED_DOCUMENT_REQUIRED,
          'this caller may run only trusted documents: expected documentId "sha256:<hex>" (or extensions.persistedQuery.sha256Hash) naming a document in a manifest, got an ad-hoc query',
          403,
        );
      case 'malformed':
        if (!required) return { phase: 'as-sent' };
        throw badRequest(`expected extensions.persistedQuery to be {"version": 1, "sha256Hash": "<64 lowercase hex digits>"}, got ${describe(persisted.value)}`);
      case 'hash': {
        const document = this.documents.get(persisted.hex);
        if (document !== undefined && (query === undefined || query === document)) {
          return { phase: 'trusted', id: `sha256:${persisted.hex}`, document };
        }
        // Otherwise APQ is Apollo's: a lookup in its cache, a registration, or its refusal of a text that is not the hash's.
        if (!required) return { phase: 'as-sent' };
        if (query === undefined) return this.named(persisted.hex, `sha256:${persisted.hex}`);
        throw refusal(
          ErrorCode.TRUSTED_DOCUMENT_REQUIRED,
          document === undefined
            ? `this caller may run only trusted documents and cannot register one: sha256:${persisted.hex} is in no manifest`
            : `this caller may run only trusted documents: the query sent is not the document sha256:${persisted.hex} of the manifest`,
          403,
        );
      }
      default:
        return unreachable(persisted);
    }
  }

  private named(hex: string, id: string): DocumentResolution {
    const document = this.documents.get(hex);
    if (document === undefined) {
      throw refusal(ErrorCode.TRUSTED_DOCUMENT_NOT_FOUND, `no trusted document ${id}: expected the id of a document in one of the gateway's manifests`, 400);
    }
    return { phase: 'trusted', id, document };
  }

  close(): void {
    clearTimeout(this.reloadTimer);
    this.watcher?.close();
  }
}

type PersistedQuery = { phase: 'absent' } | { phase: 'malformed'; value: unknown } | { phase: 'hash'; hex: string };

function apqHash(extensions: unknown): PersistedQuery {
  if (typeof extensions !== 'object' || extensions === null) return { phase: 'absent' };
  const pq = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (pq === undefined || pq === null) return { phase: 'absent' };
  const hash = typeof pq === 'object' ? (pq as { sha256Hash?: unknown }).sha256Hash : undefined;
  const hex = typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
  return hex ? { phase: 'hash', hex } : { phase: 'malformed', value: pq };
}

/**
 * The document fields of an HTTP request: the JSON body of a POST, the query
 * string of a GET (where `extensions` is JSON text, as Apollo reads it).
 */
export function documentRequestOf(method: string, body: unknown, query: Record<string, unknown>): DocumentRequest {
  if (method === 'GET') {
    const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
    let extensions: unknown = first(query.extensions);
    if (typeof extensions === 'string') {
      try {
        extensions = JSON.parse(extensions);
      } catch {
        // Apollo answers malformed extensions itself (BAD_REQUEST); here they name no document.
        extensions = undefined;
      }
    }
    return { query: first(query.query), documentId: first(query.documentId), extensions };
  }
  const b = typeof body === 'object' && body !== null ? (body as DocumentRequest) : {};
  return { query: b.query, documentId: b.documentId, extensions: b.extensions };
}


/** What the plugin reads from a request's context: the manifest document the context function resolved, if any. */
export interface TrustedDocumentContext extends BaseContext {
  trustedDocument?: { id: string; document: string };
}

/**
 * Puts the manifest document in place of what the request carried, before Apollo
 * reads the request (its APQ lookup, parsing, the document store). The decision
 * itself, refusals included, is made in the context function, where the caller
 * is known; this only applies it. Register it first: the other plugins then see
 * the document that runs.
 */
export function TrustedDocumentsPlugin<TContext extends TrustedDocumentContext>(): ApolloServerPlugin<TContext> {
  return {
    // Not async: the substitution must happen before Apollo, which calls every plugin's
    // requestDidStart and then reads request.query, gets to run.
    requestDidStart({ request, contextValue }) {
      const trusted = contextValue.trustedDocument;
      if (trusted) {
        request.query = trusted.document;
        // The manifest is the registry: Apollo must neither look the hash up in its APQ cache nor store it there.
        if (request.extensions?.persistedQuery) {
          const { persistedQuery: _persisted, ...extensions } = request.extensions;
          request.extensions = extensions;
        }
      }
      return Promise.resolve();
    },
  };
}
