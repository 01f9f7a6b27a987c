/**
 * The subscription section of BENCHMARKS.md, from the results alone.
 */
import { CDC_DEADLINE_MS, TIER_POLL_MS, WEBHOOK_DEADLINE_MS } from './feeds.js';
import type { FanoutResult, FeedId, SubscriptionResults } from './model.js';

const ms = (v: number | null): string => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const mb = (v: number | null): string => (v === null ? '–' : v.toFixed(1));
const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const codes = (c: Record<string, number>): string =>
  Object.keys(c).length === 0
    ? 'none'
    : Object.entries(c)
        .map(([code, count]) => `${count} × ${code}`)
        .join(', ');

/** Markdown lines for BENCHMARKS.md: the two tables and how each figure is measured. */
export function subscriptionReport(r: SubscriptionResults): string[] {
  const out: string[] = [];
  const i = r.feedIntervalsMs;
  out.push('### Subscriptions, through our gateway', '');
  out.push(
    `Run: ${r.startedAt} to ${r.finishedAt}. Subscribers in one client process (bench/subclients.ts, graphql-ws), ${r.clientCores === 'any' ? 'not pinned' : `pinned to core${/^\d+$/.test(r.clientCores) ? '' : 's'} ${r.clientCores}`}. ` +
      `Subgraph feeds: ERP polled every ${i.order} ms (orders) and ${i.finance} ms (invoices); Zendesk webhooks, with the incremental export as backstop every ${i.servicePoll} ms; Salesforce CDC.  `,
  );
  const faults = Object.entries(r.sandboxFaults).map(([system, f]) => `${system} ${f === null ? 'unknown' : Object.keys(f).length === 0 ? 'none' : JSON.stringify(f)}`);
  out.push(`Sandbox faults during the run (added latency etc.): ${faults.join('; ')}.  `);
  out.push(
    `Targets found through the gateway among ${r.targets.customersScanned} customers: ${r.targets.shippableOrders} shippable orders, ${r.targets.openInvoices} open invoices, ${r.targets.openCasesWithOrder} open cases naming an order${r.targets.shortfall ? ` (short: ${r.targets.shortfall})` : ''}.`,
    '',
  );

  out.push('#### Latency from a change in a system of record to the client', '');
  out.push('| feed | change (sandbox action) | poll interval | samples | p50 ms | p99 ms | max ms | missed | duplicates | not enriched |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const f of r.latency) {
    const interval = f.feedIntervalMs !== null ? `${f.feedIntervalMs} ms` : f.queryPollMs !== null ? `query every ${f.queryPollMs} ms` : 'pushed';
    if (f.status !== 'measured') {
      out.push(`| ${f.title} | ${f.action} | ${interval} | ${f.status}: ${f.reason ?? ''} | – | – | – | – | – | – |`);
      continue;
    }
    const dup = f.observedBy === 'subscription' ? String(f.duplicates) : 'n/a';
    const enr = f.observedBy === 'subscription' ? String(f.notEnriched) : 'n/a';
    out.push(`| ${f.title} | ${f.action} | ${interval} | ${f.samples} | ${ms(f.latencyMs.p50)} | ${ms(f.latencyMs.p99)} | ${ms(f.latencyMs.max)} | ${f.missed} | ${dup} | ${enr} |`);
  }
  out.push('');
  for (const f of r.latency) {
    const notes: string[] = [];
    if (f.status === 'measured' && f.reason) notes.push(f.reason);
    if (f.actionFailures > 0) notes.push(`${f.actionFailures} actions refused by the sandbox`);
    if (f.unmatched > 0) notes.push(`${f.unmatched} messages about records no action touched`);
    if (f.sampleErrors.length > 0 && (f.missed > 0 || f.actionFailures > 0 || f.status !== 'measured')) notes.push(`errors: ${f.sampleErrors.join(' | ')}`);
    if (notes.length > 0) out.push(`- ${f.title}: ${notes.join('; ')}.`);
  }
  const doc = (id: FeedId): string => r.latency.find((f) => f.feed === id)?.document ?? '';
  out.push(
    '- **How it is measured.** For each sample the runner notes the time just before it POSTs the action to the sandbox (`/__sandbox/actions/<name>`); the client process notes when the message about that record (matched by order, invoice or case id) arrives. Latency is the difference; both processes read `performance.timeOrigin + performance.now()`, the same clock on one machine.',
    `- Each payload selects a field from another subgraph, so enriching the event is part of the figure: \`${doc('erp-orders')}\`, \`${doc('erp-invoices')}\`, \`${doc('zendesk-webhook')}\`.`,
    '- **ERP poll:** the latency is mostly where in the poll cycle the change lands (between 0 and one interval), plus the poll and the enrichment. Actions are spaced interval × (1 + 1/n) apart, so the n samples fall at evenly spread points of the cycle.',
    `- **Salesforce CDC:** \`set-loyalty-tier\` has no subscription field. The figure is the time until \`${doc('salesforce-cdc')}\` through the gateway, sent every ${TIER_POLL_MS} ms from the runner after one read that leaves the old tier in the cache, first shows the new tier: CDC delivery, cache invalidation and one query. Its resolution is about ${TIER_POLL_MS} ms plus one query.`,
    `- **missed:** no message (no new tier) within the deadline (ERP: 2 intervals + 10 s; webhook ${WEBHOOK_DEADLINE_MS / 1000} s; CDC ${CDC_DEADLINE_MS / 1000} s). **duplicates:** an eventId seen twice on one subscription. **not enriched:** a message with errors, or null where another subgraph's field was selected. The first action of each feed is a warm-up and is not counted; the feeds run side by side, the query poll after the webhook samples.`,
    '',
  );

  out.push('#### Fan-out of one change to many subscribers', '');
  const fs = r.fanout;
  if (fs.length === 0) {
    out.push('Not measured.', '');
    return out;
  }
  const row = (label: string, f: (x: FanoutResult) => string): string => `| ${label} | ${fs.map(f).join(' | ')} |`;
  out.push(`| | ${fs.map((f) => f.title).join(' | ')} |`, `|---|${fs.map(() => '---').join('|')}|`);
  out.push(row('status', (f) => (f.status === 'measured' && !f.reason ? 'measured' : `${f.status}: ${f.reason ?? ''}`)));
  out.push(row('subscribers open (connections × per connection)', (f) => `${f.subscribed} of ${f.subscribers} (${f.connectionsAcknowledged} × ${f.subscriptionsPerConnection})`));
  out.push(row('time to open every connection (ms)', (f) => ms(f.connectMs)));
  out.push(row('changes (ship-order, spaced)', (f) => `${f.events} (${f.eventSpacingMs} ms apart)`));
  out.push(row('deliveries received / expected', (f) => `${f.deliveriesReceived} / ${f.deliveriesExpected}`));
  out.push(row('missed', (f) => String(f.missed)));
  out.push(row('duplicates', (f) => String(f.duplicates)));
  out.push(row('not enriched', (f) => String(f.notEnriched)));
  out.push(row('latency action → message, p50 / p99 (ms)', (f) => `${ms(f.latencyMs.p50)} / ${ms(f.latencyMs.p99)}`));
  out.push(row('first → last subscriber per change, p50 (max) ms', (f) => `${ms(f.spreadMs.p50)} (${ms(f.spreadMs.max)})`));
  out.push(row('gateway CPU per change (ms)', (f) => ms(f.gateway.cpuMsPerEvent)));
  out.push(
    row('subgraph fetches per change (by subgraph, over all changes)', (f) =>
      f.subgraphFetches?.perChange != null
        ? `${f.subgraphFetches.perChange.toFixed(1)} (${Object.entries(f.subgraphFetches.bySubgraph).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`
        : '–',
    ),
  );
  out.push(row('gateway CPU share during the changes (idle, subscribers open)', (f) => `${pct(f.gateway.cpuShare)} (${pct(f.gateway.idleCpuShare)})`));
  out.push(row('gateway CPU to open the subscriptions, ms (wall ms until quiet)', (f) => `${ms(f.gateway.openCpuMs)} (${ms(f.gateway.openSettledMs)})`));
  out.push(row('gateway RSS before → subscribed → after the changes (MB)', (f) => `${mb(f.gateway.rssMbBefore)} → ${mb(f.gateway.rssMbSubscribed)} → ${mb(f.gateway.rssMbAfterEvents)}`));
  out.push(row('gateway RSS growth (MB)', (f) => mb(f.gateway.rssGrowthMb)));
  out.push(row('gateway RSS after closing (MB)', (f) => mb(f.gateway.rssMbAfterClose)));
  out.push(row('connections closed by the gateway', (f) => codes(f.unexpectedCloses)));
  out.push(row('close codes at the end', (f) => codes(f.closeCodes)));
  out.push(row('gateway answering after close', (f) => (f.gatewayAnsweringAfterClose === null ? '–' : f.gatewayAnsweringAfterClose ? 'yes' : 'no')));
  out.push('');
  for (const f of fs) if (f.sampleErrors.length > 0) out.push(`- ${f.title}: errors seen: ${f.sampleErrors.join(' | ')}.`);
  const shared = fs.find((f) => f.kind === 'shared');
  const distinct = fs.find((f) => f.kind === 'distinct');
  out.push(
    `- **Subscribers:** one client process opens the connections (${fs[0]!.subscriptionsPerConnection} subscriptions each, under the gateway's limit of 50 per connection) with the agent token and ${fs[0]!.filter}. Shared: every subscriber sends \`${shared?.document ?? ''}\` with the same variables, so the gateway holds one upstream subscription and enriches each change once. Distinct: ${distinct?.variation ?? ''}, so no two documents are equal; ${
      // Runs that counted subgraph fetches were made once distinct selections were merged; older runs enriched per document.
      distinct?.subgraphFetches != null
        ? "since they share the root field, its arguments and the caller's scope, the gateway subscribes upstream and enriches each change once with the union of their selections, and shapes each subscriber's message from it."
        : 'in this run (before distinct selections were merged) the gateway subscribed upstream and enriched each change once per document.'
    }`,
    '- **Changes:** `ship-order` on a different order each time, spaced more than one ERP poll apart so each change arrives in a poll of its own. A delivery is a subscriber\'s first message about that order; latency is measured as above, over every delivery; first → last is, per change, the time between the first and the last subscriber receiving it (it includes the client process reading 1,000 messages on one event loop).',
    '- **Subgraph fetches** are the operations the subgraphs themselves counted (`rsg_subgraph_requests_total`) from just before the first change to the last delivery, divided by the changes; the owning subgraph\'s event reaches the gateway over its open WebSocket and is not counted.',
    '- **Gateway CPU and memory** are read from /proc (user + system clock ticks, usually 10 ms; VmRSS). CPU per change is the CPU from just before the first action to the last delivery, divided by the changes; it includes the gateway\'s idle cost between polls, which the idle share (one second with every subscriber open and nothing changing) shows. Opening costs the CPU from before the first connection until the gateway is quiet again (under 5% of a core over half a second), which is also when the changes start. RSS growth is after the changes minus before the connections were opened; RSS holds garbage V8 has not collected yet, so it moves with garbage collection and can even shrink. At the end every connection is closed by the client (1000 is a normal close) and the gateway must still answer `{ __typename }`.',
    '',
  );
  if (!r.gatewayAnsweringAtEnd) out.push('**The gateway did not answer `{ __typename }` at the end of the subscription benchmark.**', '');
  return out;
}
