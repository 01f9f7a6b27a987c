/**
 * Acting for the customer: open a case, comment on one, place a simple order.
 * Each write goes to its own system through the graph and shows what the graph
 * answered: APPLIED, or QUEUED (the system could not be reached; the write is
 * kept and applied later under its writeId, docs/writes.md). A QUEUED write is
 * followed with its subgraph's write-settled subscription until its outcome
 * (APPLIED, REJECTED or DEAD_LETTERED) is pushed.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { GraphClient, GraphQLErrorOut } from './api';
import { AddCaseComment, OpenCase, OrderWriteSettled, PlaceOrder, ServiceWriteSettled } from './documents';
import type { ConsoleCustomer360Query, ConsoleWriteOutcomeFragment } from './__generated__/graphql';

type Customer = NonNullable<ConsoleCustomer360Query['customer']>;

/** What the console shows of one write. */
interface Outcome {
  label: string;
  status: string;
  writeId?: string;
  detail?: string;
  /** Answered QUEUED first; `status` is then what it settled as, when it has. */
  queued?: boolean;
}

const refused = (label: string, errors: GraphQLErrorOut[]): Outcome => ({
  label,
  status: 'REFUSED',
  detail: errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '),
});

/** Follows one queued write of the order or the service subgraph (its writeId says which) until it settles. */
function followWrite(client: GraphClient, writeId: string, onSettled: (o: ConsoleWriteOutcomeFragment) => void, onError: (message: string) => void): () => void {
  if (writeId.startsWith('order:')) return client.subscribe(OrderWriteSettled, { writeId }, (a) => a.data && onSettled(a.data.orderWriteSettled), onError);
  return client.subscribe(ServiceWriteSettled, { writeId }, (a) => a.data && onSettled(a.data.serviceWriteSettled), onError);
}

export function Actions({ client, customer, onApplied }: { client: GraphClient; customer: Customer; onApplied: () => void }) {
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const follows = useRef<Array<() => void>>([]);
  useEffect(() => () => follows.current.forEach((stop) => stop()), []);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [caseId, setCaseId] = useState('');
  const [comment, setComment] = useState('');
  const [sku, setSku] = useState('SKU-10001');
  const [quantity, setQuantity] = useState(1);

  const update = (writeId: string, change: Partial<Outcome>) => setOutcomes((list) => list.map((o) => (o.writeId === writeId ? { ...o, ...change } : o)));
  const record = (o: Outcome) => {
    setOutcomes((list) => [o, ...list].slice(0, 10));
    if (o.status === 'APPLIED') onApplied();
    const { writeId } = o;
    if (o.status !== 'QUEUED' || !writeId) return;
    follows.current.push(
      followWrite(
        client,
        writeId,
        (settled) => {
          update(writeId, { status: settled.status, queued: true, detail: settled.lastError ? `${settled.lastError.code}: ${settled.lastError.message}` : `after ${settled.attempts} attempts` });
          if (settled.status === 'APPLIED') onApplied();
        },
        (message) => update(writeId, { detail: `its outcome could not be followed: ${message}` }),
      ),
    );
  };

  const openCase = (e: FormEvent) => {
    e.preventDefault();
    void client
      .request(OpenCase, { input: { customerId: customer.id, subject, description }, idempotencyKey: crypto.randomUUID() })
      .then(({ data, errors }) => {
        const r = data?.openCase;
        record(r ? { label: `Open case "${subject}"`, status: r.status, writeId: r.writeId, ...(r.supportCase ? { detail: `case #${r.supportCase.id}` } : {}) } : refused('Open case', errors));
      });
  };

  const addComment = (e: FormEvent) => {
    e.preventDefault();
    void client.request(AddCaseComment, { caseId, body: comment, idempotencyKey: crypto.randomUUID() }).then(({ data, errors }) => {
      const r = data?.addCaseComment;
      record(r ? { label: `Comment on #${caseId}`, status: r.status, writeId: r.writeId } : refused(`Comment on #${caseId}`, errors));
    });
  };

  const placeOrder = (e: FormEvent) => {
    e.preventDefault();
    void client
      .request(PlaceOrder, { input: { customerId: customer.id, channel: 'AGENT', lines: [{ sku, quantity }] }, idempotencyKey: crypto.randomUUID() })
      .then(({ data, errors }) => {
        const r = data?.placeOrder;
        record(r ? { label: `Order ${quantity} × ${sku}`, status: r.status, writeId: r.writeId, ...(r.order ? { detail: `${r.order.id} ${r.order.status}` } : {}) } : refused('Place order', errors));
      });
  };

  return (
    <section className="part wide actions" data-part="actions">
      <h3>Act</h3>
      <form onSubmit={openCase}>
        <input placeholder="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} required />
        <input placeholder="Description" value={description} onChange={(e) => setDescription(e.target.value)} required />
        <button type="submit">Open case</button>
      </form>
      <form onSubmit={addComment}>
        <select value={caseId} onChange={(e) => setCaseId(e.target.value)} required>
          <option value="">Case…</option>
          {customer.cases?.nodes.map((k) => (
            <option key={k.id} value={k.id}>
              #{k.id} {k.subject}
            </option>
          ))}
        </select>
        <input placeholder="Comment" value={comment} onChange={(e) => setComment(e.target.value)} required />
        <button type="submit">Add comment</button>
      </form>
      <form onSubmit={placeOrder}>
        <input placeholder="SKU" value={sku} onChange={(e) => setSku(e.target.value)} required />
        <input type="number" min={1} max={9999} value={quantity} onChange={(e) => setQuantity(Number(e.target.value))} />
        <button type="submit">Place order</button>
      </form>
      <ul className="outcomes">
        {outcomes.map((o, i) => (
          <li key={i} data-write={o.writeId}>
            {o.label}: {o.queued ? 'QUEUED, then ' : ''}
            <strong className={`write ${o.status}`}>{o.status}</strong>
            {o.detail ? ` · ${o.detail}` : ''}
            {o.writeId ? ` · ${o.writeId}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
