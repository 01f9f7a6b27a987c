/**
 * Change Data Capture over the Streaming API: a CometD (Bayeux) endpoint that
 * jsforce's streaming client (faye, long-polling) can handshake, connect and
 * subscribe to. faye's server does the Bayeux protocol; two server extensions add
 * what Salesforce adds on top:
 * - authentication: every message's HTTP request must carry `Authorization: OAuth
 *   <token>` for a live session, answered with Salesforce's 401/403 Bayeux errors;
 * - durability: every event gets a replay id and is retained, and `/meta/subscribe`
 *   with `ext.replay {channel: id}` replays what the subscriber missed.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { SessionStore } from './auth.js';
import type { ChangePayload } from './store.js';

/** A Bayeux message as faye passes it to extensions (fields per the Bayeux spec). */
interface BayeuxMessage {
  channel: string;
  id?: string;
  clientId?: string;
  subscription?: string | string[];
  successful?: boolean;
  error?: string;
  data?: unknown;
  ext?: Record<string, unknown>;
  advice?: Record<string, unknown>;
  supportedConnectionTypes?: string[];
}

type Next = (m: BayeuxMessage | null) => void;

interface FayeExtension {
  incoming?(message: BayeuxMessage, request: IncomingMessage | null, callback: Next): void;
  outgoing?(message: BayeuxMessage, request: IncomingMessage | null, callback: Next): void;
}

/** The parts of faye's server internals used here; faye ships no types. */
interface FayeServer {
  addExtension(ext: FayeExtension): void;
  process(messages: unknown, request: IncomingMessage | null, callback: (replies: unknown[]) => void): void;
  close(): void;
  _engine: {
    publish(message: { channel: string; data: unknown }): void;
    /** Open (held) connections by client id. */
    _connections: Map<string, unknown>;
    flushConnection(clientId: string): void;
    // The memory engine's per-client queue: replayed events are queued for one client only.
    _engine: {
      _messages: Map<string, unknown[]>;
      emptyQueue(clientId: string): void;
      /** Subscribed channels by client id. */
      _clients: Map<string, unknown>;
      destroyClient(clientId: string): void;
    };
  };
}

interface FayeModule {
  NodeAdapter: new (opts: { mount: string; timeout: number }) => { _server: FayeServer; close(): void };
}

const require = createRequire(import.meta.url);
const faye = require('faye') as FayeModule;

export const CDC_CHANNELS = ['/data/ChangeEvents', '/data/AccountChangeEvent', '/data/ContactChangeEvent'] as const;

interface Retained {
  replayId: number;
  channel: string;
  at: number;
  data: unknown;
}

export interface ChangeStreamOptions {
  sessions: SessionStore;
  /** Long-poll hold time advertised as advice.timeout, ms. */
  timeoutMs: number;
  /** How long events stay replayable, ms. */
  retentionMs: number;
  /** How many events are retained at most. */
  maxEvents: number;
}

const invalidReplay = (id: unknown): string =>
  `400::The replayId {${String(id)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`;

export class ChangeStream {
  private readonly server: FayeServer;
  private readonly adapter: { close(): void };
  private readonly retained: Retained[] = [];
  private lastReplayId = 0;
  private readonly pendingReplays = new Map<string, number>();
  private readonly handshakeFailures = new WeakMap<IncomingMessage, string>();

  constructor(private readonly opts: ChangeStreamOptions) {
    const adapter = new faye.NodeAdapter({ mount: '/cometd', timeout: opts.timeoutMs / 1000 });
    this.adapter = adapter;
    this.server = adapter._server;
    this.server.addExtension({
      incoming: (m, req, next) => next(this.incoming(m, req)),
      outgoing: (m, req, next) => next(this.outgoing(m, req)),
    });
  }

  /** Answers one CometD HTTP request (its parsed JSON body); resolves to the reply messages. */
  process(body: unknown, request: IncomingMessage): Promise<unknown[]> {
    return new Promise((resolve) => this.server.process(body, request, resolve));
  }

  /** Publishes committed change events on their entity channel and on /data/ChangeEvents. */
  publish(events: ChangePayload[]): void {
    const now = Date.now();
    for (const payload of events) {
      this.lastReplayId += 1;
      const entity = payload.ChangeEventHeader.entityName;
      const data = { schema: schemaId(entity), payload, event: { replayId: this.lastReplayId } };
      for (const channel of [`/data/${entity}ChangeEvent`, '/data/ChangeEvents']) {
        this.retained.push({ replayId: this.lastReplayId, channel, at: now, data });
        this.server._engine.publish({ channel, data });
      }
    }
    this.prune(now);
  }

  /** The newest replay id handed out (0 before any event). */
  latestReplayId(): number {
    return this.lastReplayId;
  }

  /**
   * Drops every retained event, as if the retention window had passed for all of them (or the
   * org's event bus had been reset): a replay id handed out so far is refused from now on.
   */
  expireRetained(): number {
    const dropped = new Set(this.retained.map((r) => r.replayId)).size;
    this.retained.length = 0;
    return dropped;
  }

  /**
   * Ends every long-poll `/meta/connect` the server holds, as an outage cuts open connections:
   * each client's next connect then meets whatever the instance answers now. Events queued
   * meanwhile stay queued for the client's next connect.
   */
  endHeldConnects(): void {
    const engine = this.server._engine;
    for (const clientId of [...engine._connections.keys()]) engine.flushConnection(clientId);
  }

  /**
   * Forgets every client session, as Salesforce does for a client that has not reconnected within
   * 40 s: each client's next message is answered `401::Unknown client` (reconnect advice:
   * handshake), and it must handshake and subscribe again, from the last replay id it saw.
   */
  dropClients(): number {
    const memory = this.server._engine._engine;
    const ids = [...memory._clients.keys()];
    for (const id of ids) memory.destroyClient(id);
    this.endHeldConnects();
    return ids.length;
  }

  close(): void {
    this.adapter.close();
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.retained.length && (now - (this.retained[drop] as Retained).at > this.opts.retentionMs || this.retained.length - drop > this.opts.maxEvents * 2)) drop++;
    if (drop > 0) this.retained.splice(0, drop);
  }

  private oldestReplayId(): number {
    return this.retained[0]?.replayId ?? this.lastReplayId + 1;
  }

  private incoming(m: BayeuxMessage, req: IncomingMessage | null): BayeuxMessage {
    if (req === null) return m; // the server's own in-process client
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' ? /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(auth)?.[1] : undefined;
    const failure = !token ? '401::Request requires authentication' : !this.opts.sessions.lookup(token) ? '401::Authentication invalid' : null;
    if (failure) {
      if (m.channel === '/meta/handshake') {
        this.handshakeFailures.set(req, failure);
        m.error = '403::Handshake denied';
      } else {
        m.error = failure;
      }
      return m;
    }
    if (m.channel === '/meta/subscribe') {
      // Retention ends by time, not only when new events push old ones out.
      this.prune(Date.now());
      const channels = m.subscription === undefined ? [] : ([] as string[]).concat(m.subscription);
      for (const ch of channels) {
        if (!(CDC_CHANNELS as readonly string[]).includes(ch)) {
          m.error = `400::The channel you requested to subscribe to doesn't exist {${ch}}`;
          return m;
        }
        const replay = (m.ext?.replay as Record<string, unknown> | undefined)?.[ch];
        if (replay === undefined || replay === null) continue;
        const n = typeof replay === 'number' ? replay : Number(replay);
        if (!Number.isInteger(n) || (n !== -1 && n !== -2 && (n < this.oldestReplayId() - 1 || n > this.lastReplayId))) {
          m.error = invalidReplay(replay);
          return m;
        }
        if (n !== -1 && m.clientId) this.pendingReplays.set(`${m.clientId}\n${ch}`, n);
      }
      return m;
    }
    if (!m.channel.startsWith('/meta/')) {
      // Clients receive change events; they cannot publish them.
      m.error = `403:${m.channel}:Publish denied`;
    }
    return m;
  }

  private outgoing(m: BayeuxMessage, req: IncomingMessage | null): BayeuxMessage {
    if (req === null) return m;
    if (m.channel === '/meta/handshake') {
      if (m.successful) {
        m.supportedConnectionTypes = ['long-polling'];
        m.ext = { ...(m.ext ?? {}), replay: true, 'payload.format': true };
      } else if (m.error === '403::Handshake denied') {
        m.ext = { ...(m.ext ?? {}), sfdc: { failureReason: this.handshakeFailures.get(req) ?? '401::Authentication invalid' }, replay: true };
        m.advice = { reconnect: 'none' };
      }
      return m;
    }
    if (m.error?.startsWith('401::')) {
      m.advice = { reconnect: 'none', interval: 0 };
      return m;
    }
    if (m.channel === '/meta/subscribe' && m.clientId) {
      const channels = m.subscription === undefined ? [] : ([] as string[]).concat(m.subscription);
      for (const ch of channels) {
        const key = `${m.clientId}\n${ch}`;
        const from = this.pendingReplays.get(key);
        this.pendingReplays.delete(key);
        if (from === undefined || !m.successful) continue;
        const missed = this.retained.filter((r) => r.channel === ch && (from === -2 || r.replayId > from));
        if (missed.length === 0) continue;
        const memory = this.server._engine._engine;
        const queue = memory._messages.get(m.clientId) ?? [];
        queue.push(...missed.map((r) => ({ channel: ch, data: r.data })));
        memory._messages.set(m.clientId, queue);
        memory.emptyQueue(m.clientId);
      }
    }
    return m;
  }
}

/** A stable schema id per entity, shaped like Salesforce's (22 url-safe base64 characters). */
function schemaId(entity: string): string {
  return createHash('sha256').update(`cdc:${entity}:v1`).digest('base64url').slice(0, 22);
}
