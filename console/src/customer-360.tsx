/**
 * The customer-360: profile and loyalty (Salesforce), financials and orders
 * (the ERP), cases (the service desk), one query. Each part shows how fresh it
 * is; a system that failed gets a banner while the other parts still show.
 * Order, invoice and case statuses follow the graph's subscriptions live.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { SYSTEM_LABEL, type Answer, type GraphClient, type GraphQLErrorOut } from './api';
import { CaseUpdated, Customer360, InvoiceStatusChanged, OrderStatusChanged } from './documents';
import { Freshness, type FreshnessOut } from './freshness';
import { Actions } from './actions';
import type { ConsoleCustomer360Query } from './__generated__/graphql';

type Customer = NonNullable<ConsoleCustomer360Query['customer']>;
type Money = { amount: string; currency: string };

const money = (m: Money | null | undefined): string => (m ? `${m.amount} ${m.currency}` : '—');

/** One banner per failing system, whatever the number of fields it nulled. */
function SystemBanners({ errors }: { errors: GraphQLErrorOut[] }) {
  const bySystem = new Map<string, GraphQLErrorOut>();
  const other: GraphQLErrorOut[] = [];
  for (const e of errors) {
    const system = e.extensions?.system;
    if (typeof system === 'string') {
      if (!bySystem.has(system)) bySystem.set(system, e);
    } else other.push(e);
  }
  return (
    <>
      {[...bySystem].map(([system, e]) => (
        <div key={system} className="banner error" role="alert" data-system={system}>
          {SYSTEM_LABEL[system] ?? system} is not answering ({e.extensions?.code ?? 'error'}): its parts below are missing or served stale. The rest is current.
        </div>
      ))}
      {other.map((e, i) => (
        <div key={i} className="banner error" role="alert">
          {e.extensions?.code ?? 'ERROR'}: {e.message}
        </div>
      ))}
    </>
  );
}

/** Applies one live event to the customer on screen. */
type Patch = (c: Customer) => Customer;

type OrderNode = NonNullable<Customer['orders']>['nodes'][number];
type InvoiceNode = NonNullable<OrderNode['invoices']>[number];
type CaseNode = NonNullable<Customer['cases']>['nodes'][number];

/** The order as the ERP holds it after the change: status, shipments and shipped quantities together. */
const patchOrder = (order: OrderNode): Patch => (c) =>
  c.orders ? { ...c, orders: { ...c.orders, nodes: c.orders.nodes.map((o) => (o.id === order.id ? order : o)) } } : c;

const patchInvoice = (invoice: Pick<InvoiceNode, 'id' | 'status' | 'amountDue'>): Patch => (c) =>
  c.orders
    ? {
        ...c,
        orders: {
          ...c.orders,
          nodes: c.orders.nodes.map((o) => ({ ...o, invoices: o.invoices?.map((i) => (i.id === invoice.id ? { ...i, status: invoice.status, amountDue: invoice.amountDue } : i)) ?? null })),
        },
      }
    : c;

const patchCase = (caseId: string, status: CaseNode['status']): Patch => (c) =>
  c.cases ? { ...c, cases: { ...c.cases, nodes: c.cases.nodes.map((k) => (k.id === caseId ? { ...k, status } : k)) } } : c;

function useLive(client: GraphClient, customerId: string, apply: (p: Patch) => void): string | undefined {
  const [liveError, setLiveError] = useState<string>();
  useEffect(() => {
    const onError = (m: string) => setLiveError(`Live updates stopped: ${m}`);
    const stops = [
      client.subscribe(OrderStatusChanged, { customerId }, (a) => {
        const e = a.data?.orderStatusChanged;
        if (e) apply(patchOrder(e.order));
      }, onError),
      client.subscribe(InvoiceStatusChanged, { customerId }, (a) => {
        const e = a.data?.invoiceStatusChanged;
        if (e) apply(patchInvoice({ id: e.invoice.id, status: e.status, amountDue: e.invoice.amountDue }));
      }, onError),
      client.subscribe(CaseUpdated, { customerId }, (a) => {
        const e = a.data?.caseUpdated;
        if (e) apply(patchCase(e.case.id, e.status));
      }, onError),
    ];
    return () => stops.forEach((stop) => stop());
  }, [client, customerId, apply]);
  return liveError;
}

/**
 * One part of the 360: its title with its freshness, then its content, or
 * "Not available." when its system failed and nothing could be served.
 */
function Part<T extends { freshness: FreshnessOut }>(props: { name: string; title: string; wide?: boolean; value: T | null | undefined; children: (value: T) => ReactNode }) {
  const { name, title, wide, value, children } = props;
  return (
    <section className={wide ? 'part wide' : 'part'} data-part={name}>
      <h3>
        {title} <Freshness value={value?.freshness} />
      </h3>
      {value ? children(value) : <p className="missing">Not available.</p>}
    </section>
  );
}

function Profile({ c }: { c: Customer }) {
  // The customer keeps its id when Salesforce fails; its Salesforce part is then null fields without freshness.
  const salesforce = c.freshness ? { ...c, freshness: c.freshness } : null;
  return (
    <Part name="profile" title="Profile" value={salesforce}>
      {(p) => (
        <dl>
          <dt>Customer</dt>
          <dd>{p.id}</dd>
          <dt>Name</dt>
          <dd>{p.name ?? '—'}</dd>
          <dt>E-mail</dt>
          <dd>{p.email ?? '—'}</dd>
          <dt>Phone</dt>
          <dd>{p.phone ?? '—'}</dd>
          <dt>Segment</dt>
          <dd>{p.segment ?? '—'}</dd>
          <dt>Loyalty</dt>
          <dd>{p.loyalty ? `${p.loyalty.tier}, ${p.loyalty.points} points` : '—'}</dd>
        </dl>
      )}
    </Part>
  );
}

function Financials({ financials }: { financials: Customer['financials'] }) {
  return (
    <Part name="financials" title="Financials" value={financials}>
      {(f) => (
        <>
          {f.creditHold && <div className="banner warn">On credit hold: new orders are refused by the ERP.</div>}
          <dl>
            <dt>Balance</dt>
            <dd>{money(f.balance)}</dd>
            <dt>Overdue</dt>
            <dd>{money(f.overdueBalance)}</dd>
            <dt>Credit limit</dt>
            <dd>{money(f.creditLimit)}</dd>
            <dt>Terms</dt>
            <dd>{f.paymentTerms ?? '—'}</dd>
          </dl>
        </>
      )}
    </Part>
  );
}

function Order({ o }: { o: OrderNode }) {
  return (
    <article className="order" data-order={o.id}>
      <header>
        <strong>{o.id}</strong> <span className="status" data-testid={`order-status-${o.id}`}>{o.status}</span> · {o.channel} · {o.placedAt.slice(0, 10)} · {money(o.total)}
      </header>
      <ul className="lines">
        {o.lines.map((l) => (
          <li key={l.lineNumber}>
            {l.quantityShipped}/{l.quantity} × {l.sku} {l.description}
          </li>
        ))}
      </ul>
      {o.shipments.length > 0 && (
        <p>
          Shipments: {o.shipments.map((s) => `${s.id} ${s.status}${s.carrier ? ` (${s.carrier} ${s.trackingNumber ?? ''})` : ''}`).join('; ')}
        </p>
      )}
      {o.invoices && o.invoices.length > 0 && (
        <p>
          Invoices:{' '}
          {o.invoices.map((i) => (
            <span key={i.id} className="invoice">
              {i.id} <span className="status" data-testid={`invoice-status-${i.id}`}>{i.status}</span> due {money(i.amountDue)}{' '}
            </span>
          ))}
        </p>
      )}
    </article>
  );
}

function Orders({ orders }: { orders: Customer['orders'] }) {
  return (
    <Part name="orders" title="Orders" wide value={orders}>
      {({ nodes }) => (nodes.length === 0 ? <p>No orders.</p> : nodes.map((o) => <Order key={o.id} o={o} />))}
    </Part>
  );
}

function Cases({ cases }: { cases: Customer['cases'] }) {
  return (
    <Part name="cases" title="Cases" value={cases}>
      {({ nodes }) =>
        nodes.length === 0 ? (
          <p>No cases.</p>
        ) : (
          <ul>
            {nodes.map((k) => (
              <li key={k.id} data-case={k.id}>
                #{k.id} <span className="status" data-testid={`case-status-${k.id}`}>{k.status}</span> {k.priority} · {k.subject}
                {k.order ? ` · ${k.order.id}` : ''}
              </li>
            ))}
          </ul>
        )
      }
    </Part>
  );
}

export function Customer360View({ client, customerId }: { client: GraphClient; customerId: string }) {
  const [answer, setAnswer] = useState<Answer<ConsoleCustomer360Query>>();
  const [failure, setFailure] = useState<string>();
  const load = useCallback(() => {
    client.request(Customer360, { id: customerId }).then(setAnswer, (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  }, [client, customerId]);
  useEffect(load, [load]);
  const apply = useCallback(
    (patch: Patch) => setAnswer((a) => (a?.data?.customer ? { ...a, data: { customer: patch(a.data.customer) } } : a)),
    [],
  );
  const liveError = useLive(client, customerId, apply);

  if (failure) return <div className="banner error">The graph could not be reached: {failure}</div>;
  if (!answer) return <p>Loading {customerId}…</p>;
  const c = answer.data?.customer;
  return (
    <div className="c360" data-testid="customer-360">
      <SystemBanners errors={answer.errors} />
      {liveError && <div className="banner warn">{liveError}</div>}
      {!c ? (
        <p>No customer {customerId}.</p>
      ) : (
        <>
          <h2>{c.name ?? c.id}</h2>
          <div className="parts">
            <Profile c={c} />
            <Financials financials={c.financials} />
            <Cases cases={c.cases} />
            <Orders orders={c.orders} />
          </div>
          <Actions client={client} customer={c} onApplied={load} />
        </>
      )}
    </div>
  );
}
