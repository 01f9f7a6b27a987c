/**
 * Salesforce Change Data Capture over the Streaming API (CometD, through jsforce's
 * faye client): subscribing from stored replay ids, telling a refused replay id
 * apart from other failures, and making faye treat an HTTP error as a failed
 * exchange. The client (salesforce.ts) opens streams with a signed-in connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import { UpstreamError } from '../errors.js';
import { childLogger } from '../log.js';

const log = childLogger('salesforce');

/**
 * One Change Data Capture message as the Streaming API delivers it (WIRE.md 2.4):
 * the change event's payload (header plus changed fields) and its replay id.
 */
export interface ChangeEventMessage {
  /** The channel it arrived on, e.g. `/data/AccountChangeEvent`. */
  channel: string;
  replayId: number;
  header: {
    entityName: string;
    recordIds: string[];
    changeType: string;
    changedFields: string[];
    changeOrigin: string;
    transactionKey: string;
    sequenceNumber: number;
    commitTimestamp: number;
  };
  /** The changed fields' new values, by API name (ChangeEventHeader removed). */
  fields: Record<string, unknown>;
}

export interface ChangeStreamOptions {
  /** Channels with the replay id to resume after: -1 new events only, -2 everything retained, else a stored id. */
  channels: Array<{ channel: string; replayId: number }>;
  /** Called for every event, in the order received. */
  onEvent(event: ChangeEventMessage): void;
  /**
   * Called once if the stream stops for good after `ready` resolved: the session was
   * refused (resubscribe from the stored replay ids; a new session is signed in for it),
   * or, after a reconnect that had to handshake again, Salesforce refused to resume from
   * the last replay id seen (a {@link ReplayIdUnavailableError}). Failures before that
   * reject `ready` instead: a channel that could not be subscribed (CDC not enabled for
   * it), an unavailable replay id (again a ReplayIdUnavailableError), a refused handshake.
   */
  onFailure(error: UpstreamError): void;
}

/**
 * Salesforce refused to resume one or more channels from their replay ids: the ids are past
 * the retention window (72 hours for CDC) or were never issued by this org (its event bus was
 * reset). It answers so in the `/meta/subscribe` reply (`successful: false`, `400::The replayId
 * {…} you provided was invalid…`), never in the handshake. Resubscribing from the same id can
 * never succeed; the caller resumes those channels at -1 and reconciles the gap by other means.
 */
export class ReplayIdUnavailableError extends UpstreamError {
  constructor(
    /** The channels whose replay id was refused. */
    readonly channels: string[],
    message: string,
  ) {
    super('SALESFORCE', 'error', message, { status: 400 });
  }
}

export interface ChangeStream {
  /** Resolves once every channel's subscription is acknowledged; rejects with the reason it was refused. */
  ready: Promise<void>;
  /** Disconnects; no more events are delivered. */
  close(): void;
}

/** The parts of the faye client jsforce's createClient returns that are used here (faye ships no types). */
interface FayeClient {
  subscribe(channel: string, listener: (message: RawChangeMessage) => void): PromiseLike<void> & { cancel(): void };
  disconnect(): void;
}

/** A Bayeux message as faye hands it to a client extension. */
interface BayeuxReply {
  channel?: string;
  subscription?: string | string[];
  successful?: boolean;
  error?: string;
}

/** The faye internals touched to make HTTP errors count as failed exchanges (see failOnHttpErrors). */
interface FayeHttpTransport {
  _handleResponse(messages: unknown, response: IncomingMessage): void;
  _receive(replies: unknown[]): void;
  _handleError(messages: unknown, immediate?: boolean): void;
}

interface FayeDispatcher {
  _transport?: FayeHttpTransport;
}

interface RawChangeMessage {
  payload?: { ChangeEventHeader?: ChangeEventMessage['header'] } & Record<string, unknown>;
  event?: { replayId?: number };
}

// Salesforce's wording varies by release and channel type: "The replayId {…} you provided was
// invalid", "Replay Id not found for channel".
const REPLAY_REFUSAL = /replay\s*id/i;

const guardedTransports = new WeakSet<FayeHttpTransport>();

/** Bayeux replies, when `body` is a JSON array of messages that each name their channel. */
function bayeuxReplies(body: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const replies = Array.isArray(parsed) ? parsed : [parsed];
    return replies.length > 0 && replies.every((r) => typeof r === 'object' && r !== null && typeof (r as BayeuxReply).channel === 'string') ? replies : undefined;
  } catch {
    return undefined;
  }
}

/**
 * faye's long-polling transport reads any response body that parses as JSON as Bayeux replies,
 * whatever the HTTP status. An HTTP error with a JSON body that is not Bayeux (a 503 from an
 * unavailable instance or a proxy in front of it; the sandbox's `down` fault answers so) gives
 * faye "replies" that answer none of its messages, so the pending /meta/connect (or handshake)
 * waits out its own timeout, 1.2 × the 110 s long-poll advice, before it is sent again: a
 * stream that comes back after an outage stays silent for two minutes. Such an answer now
 * counts as a failed exchange, which faye retries on its retry interval (5 s). An error status
 * that carries Bayeux replies (Salesforce's own `401::…`, `403::…`) is still handed to faye, so
 * its advice (and jsforce's AuthFailure) work as before. The transport is replaced on every
 * handshake, so each one the dispatcher selects is guarded.
 */
function failOnHttpErrors(client: object): void {
  const dispatcher = (client as { _dispatcher?: FayeDispatcher })._dispatcher;
  if (!dispatcher) return;
  const guard = (t: FayeHttpTransport | undefined): FayeHttpTransport | undefined => {
    if (!t || typeof t._handleResponse !== 'function' || guardedTransports.has(t)) return t;
    guardedTransports.add(t);
    const original = t._handleResponse;
    t._handleResponse = function (this: FayeHttpTransport, messages, response) {
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return original.call(this, messages, response);
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        const replies = bayeuxReplies(body);
        if (replies) return this._receive(replies);
        log.warn({ status }, 'the streaming endpoint answered an HTTP error; faye sends the message again shortly');
        this._handleError(messages);
      });
    };
    return t;
  };
  let current = guard(dispatcher._transport);
  Object.defineProperty(dispatcher, '_transport', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (t: FayeHttpTransport | undefined) => {
      current = guard(t);
    },
  });
}

/**
 * Subscribes to Change Data Capture channels on a signed-in connection, one faye client per
 * channel, resuming each from its replay id. `onSessionRefused` is told when Salesforce refuses
 * the streaming session, so the caller signs in again before it resubscribes.
 */
export function openChangeStream(conn: Connection, opts: ChangeStreamOptions, onSessionRefused: () => void): ChangeStream {
  let failed = false;
  let established = false;
  let rejectReady: (e: UpstreamError) => void = () => undefined;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Before the subscriptions are acknowledged a failure rejects `ready`; after, it is reported through onFailure.
  const fail = (error: UpstreamError): void => {
    if (failed) return;
    failed = true;
    if (established) opts.onFailure(error);
    else rejectReady(error);
  };
  // One faye client per channel: jsforce's Replay extension writes `ext.replay` as a map of its
  // own channel alone on every /meta/subscribe, so two of them on one client would subscribe
  // both channels from the last one's replay id. It also records each event's replay id, so
  // faye's own reconnects resume where they stopped.
  const clients: FayeClient[] = [];
  const replayRefused = (channel: string, error: string): ReplayIdUnavailableError =>
    new ReplayIdUnavailableError([channel], `Salesforce no longer has the replay id to resume ${channel} from: ${error}`);
  const subscriptions = opts.channels.map((c) => {
    const client = conn.streaming.createClient([
      new StreamingExtension.Replay(c.channel, c.replayId),
      new StreamingExtension.AuthFailure(() => {
        onSessionRefused();
        fail(new UpstreamError('SALESFORCE', 'unavailable', 'Salesforce refused the streaming session; sign in again and resubscribe'));
      }),
      {
        // jsforce keeps the /meta/subscribe reply to itself, and faye resubscribes on its own after
        // a re-handshake, where nobody hears a refusal: the stream would go silent. This sees them all.
        incoming(message: BayeuxReply, callback: (m: BayeuxReply) => void) {
          if (message.channel === '/meta/subscribe' && message.successful === false && REPLAY_REFUSAL.test(message.error ?? '')) {
            fail(replayRefused(c.channel, message.error ?? ''));
          }
          callback(message);
        },
      },
    ]) as unknown as FayeClient;
    failOnHttpErrors(client);
    clients.push(client);
    return client.subscribe(c.channel, (message: RawChangeMessage) => {
      const payload = message.payload ?? {};
      const { ChangeEventHeader: header, ...fields } = payload;
      if (!header || typeof message.event?.replayId !== 'number') {
        log.warn({ channel: c.channel }, 'ignored a streaming message that is not a change event');
        return;
      }
      opts.onEvent({ channel: c.channel, replayId: message.event.replayId, header, fields });
    });
  });
  Promise.all(
    subscriptions.map(
      (sub, i) =>
        new Promise<void>((resolve, reject) => {
          sub.then(resolve, (err: unknown) => {
            const message = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String(err.message) : String(err);
            reject(new UpstreamError('SALESFORCE', 'error', `Salesforce refused the subscription to ${opts.channels[i]?.channel ?? '?'}: ${message}`, { cause: err }));
          });
        }),
    ),
  ).then(
    () => {
      if (failed) return;
      established = true;
      resolveReady();
    },
    (e: UpstreamError) => fail(e),
  );
  // The caller may stop waiting (a timeout); keep a late rejection from going unhandled.
  ready.catch(() => undefined);
  return {
    ready,
    close() {
      failed = true;
      for (const sub of subscriptions) sub.cancel();
      for (const client of clients) client.disconnect();
    },
  };
}
