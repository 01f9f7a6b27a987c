/**
 * What the service subgraph's change feed (feed.ts) reads from Zendesk: its
 * webhook, kept registered by name with a signing secret, and the incremental
 * ticket export that backs the webhook up. Built on the Zendesk transport.
 */
import type { ZendeskClient } from '../../../lib/clients/zendesk.js';
import { UpstreamError } from '../../../lib/errors.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import type { SupportCaseRecord } from './zendesk.js';
import { STATUS_FROM_WIRE, caseRecord, type ZdTicket } from './zendesk-wire.js';

export interface WebhookSpec {
  name: string;
  endpoint: string;
  subscriptions: readonly string[];
}

/** One page of the incremental export: the changed tickets in (updated_at, id) order, and where to go on. */
export interface ExportPage {
  cases: SupportCaseRecord[];
  afterCursor: string | null;
  endOfStream: boolean;
}

export interface ServiceDeskFeed {
  /**
   * Makes sure exactly one webhook with this name exists, pointing at the endpoint with these
   * subscriptions (list by name, then create or update), and returns its id.
   */
  ensureWebhook(spec: WebhookSpec): Promise<string>;
  /** The webhook's signing secret, read through the API as Zendesk documents. */
  signingSecret(webhookId: string): Promise<string>;
  /** One page of the incremental ticket export: from a cursor, or from a start time (unix seconds). */
  exportPage(from: { cursor: string } | { startTime: number }): Promise<ExportPage>;
}

interface ZdWebhook {
  id: string;
  name: string;
  endpoint: string;
  status: string;
  subscriptions?: string[];
  created_at?: string;
}

export function createServiceDeskFeed(client: ZendeskClient, mapping: OrgMapping): ServiceDeskFeed {
  const orderFieldId = mapping.zendesk.orderNumberFieldId;
  const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

  const byName = async (name: string): Promise<ZdWebhook[]> => {
    const found: ZdWebhook[] = [];
    for await (const page of client.pages<ZdWebhook>('webhooks', { 'filter[name_contains]': name, 'page[size]': 100 }, 'webhooks')) {
      found.push(...page.items.filter((w) => w.name === name));
    }
    // Oldest first, so that every replica keeps the same one when a race made two.
    return found.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
  };

  return {
    async ensureWebhook(spec) {
      const body = {
        name: spec.name,
        status: 'active',
        endpoint: spec.endpoint,
        http_method: 'POST',
        request_format: 'json',
        subscriptions: [...spec.subscriptions],
      };
      let hooks = await byName(spec.name);
      if (hooks.length === 0) {
        await client.send('POST', 'webhooks', { webhook: body });
        // Replicas booting together may each have created one: all keep the oldest, the rest go.
        hooks = await byName(spec.name);
      }
      const [keep, ...extra] = hooks;
      if (!keep) throw new UpstreamError('SERVICE_DESK', 'error', `Zendesk does not list the webhook '${spec.name}' it just created`);
      for (const w of extra) await client.send('DELETE', `webhooks/${encodeURIComponent(w.id)}`, undefined).catch(() => undefined);
      if (keep.endpoint !== spec.endpoint || keep.status !== 'active' || !sameSet(keep.subscriptions ?? [], spec.subscriptions)) {
        // PUT replaces the webhook's attributes; the signing secret is kept.
        await client.send('PUT', `webhooks/${encodeURIComponent(keep.id)}`, { webhook: body });
      }
      return keep.id;
    },

    async signingSecret(webhookId) {
      const res = await client.get<{ signing_secret?: { secret?: string } }>(`webhooks/${encodeURIComponent(webhookId)}/signing_secret`);
      const secret = res?.signing_secret?.secret;
      if (!secret) throw new UpstreamError('SERVICE_DESK', 'error', `Zendesk gave no signing secret for webhook ${webhookId}`);
      return secret;
    },

    async exportPage(from) {
      const query = 'cursor' in from ? { cursor: from.cursor } : { start_time: from.startTime };
      const res = await client.get<{ tickets: ZdTicket[]; after_cursor: string | null; end_of_stream: boolean }>('incremental/tickets/cursor.json', query);
      return {
        // Deleted tickets (status "deleted") leave the graph; nothing subscribes to them.
        cases: (res?.tickets ?? []).filter((t) => STATUS_FROM_WIRE[t.status] !== undefined).map((t) => caseRecord(t, orderFieldId, null)),
        afterCursor: res?.after_cursor ?? null,
        endOfStream: res?.end_of_stream ?? true,
      };
    },
  };
}
