/**
 * The ERP's transactions: sales orders and what follows them (shipments,
 * invoices, payments, return authorizations and credit memos), drawn per
 * customer; `netsuite-numbering.ts` then numbers them in time order as NetSuite does.
 */
import { addDays, between, DAY, dayOf, HOUR, MINUTE, STREAM, streamSeed, weighted } from './common.js';
import type { Customer, Fixture, OrderForce } from './customers.js';
import type {
  NsBool,
  NsCustomer,
  NsItem,
  NsTranType,
  NsTransaction,
  NsTransactionLink,
} from './model.js';
import { RETURN_REASONS } from './names.js';
import { createRandom, type Random } from './random.js';

type Channel = NonNullable<NsTransaction['custbody_sales_channel']>;

/** The customer as its transactions see it: its terms and credit hold, and its orders once drawn. */
export interface ErpCustomer extends Customer {
  nsId: number;
  termDays: number;
  creditHold: NsCustomer['credithold'];
  orders: TxDraft[];
}

export interface CatalogItem {
  item: NsItem;
  priceCents: number;
}

interface LineDraft {
  item: CatalogItem;
  quantity: number;
  rateCents: number;
  /** SalesOrd: shipped so far; ItemShip: the quantity; RtnAuth: received. */
  shipRecv: number;
}

export interface TxDraft {
  /** Generation order; breaks ties between equal timestamps deterministically. */
  seq: number;
  type: NsTranType;
  customer: ErpCustomer;
  createdMs: number;
  modifiedMs: number;
  status: string;
  duedate: string | null;
  remainingCents: number | null;
  from: TxDraft | null;
  lines: LineDraft[];
  /** Header total for documents without lines (payments). */
  amountCents: number | null;
  memo: string | null;
  paymentmethod: string | null;
  channel: Channel | null;
  wms: NsBool | null;
  carrier: string | null;
  tracking: string | null;
  reason: string | null;
  id: number;
  tranid: string;
}

export interface LinkDraft {
  invoice: TxDraft;
  doc: TxDraft;
  linktype: NsTransactionLink['linktype'];
  cents: number;
}

export const linesCents = (lines: readonly LineDraft[]): number => {
  let sum = 0;
  for (const l of lines) sum += l.quantity * l.rateCents;
  return sum;
};


export class Transactions {
  private readonly txs: TxDraft[] = [];
  private readonly links: LinkDraft[] = [];
  private seq = 0;

  constructor(
    private readonly seed: number,
    private readonly asOfMs: number,
    private readonly activeItems: readonly CatalogItem[],
  ) {}

  private newTx(type: NsTranType, customer: ErpCustomer, createdMs: number): TxDraft {
    this.seq += 1;
    const tx: TxDraft = {
      seq: this.seq,
      type,
      customer,
      createdMs,
      modifiedMs: createdMs,
      status: 'A',
      duedate: null,
      remainingCents: null,
      from: null,
      lines: [],
      amountCents: null,
      memo: null,
      paymentmethod: null,
      channel: null,
      wms: null,
      carrier: null,
      tracking: null,
      reason: null,
      id: 0,
      tranid: '',
    };
    this.txs.push(tx);
    return tx;
  }

  private orderCount(rng: Random, fixture: Fixture | undefined): number {
    const fixed = fixture?.orders;
    if (typeof fixed === 'number') return fixed;
    if (fixed) return rng.int(fixed[0], fixed[1]);
    if (rng.chance(0.15)) return 0;
    if (rng.chance(0.004)) return rng.int(150, 400);
    if (rng.chance(0.05)) return rng.int(9, 40);
    return weighted(rng, [[1, 30], [2, 22], [3, 15], [4, 11], [5, 8], [6, 6], [7, 4], [8, 4]]);
  }

  /** Draws the customer's orders and everything that follows them, from the customer's own order stream. */
  addOrders(c: ErpCustomer): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.orders, c.n));
    const count = this.orderCount(rng, c.fixture);
    const windowStart = Math.max(c.createdMs + HOUR, this.asOfMs - 730 * DAY);
    const plan: { t: number; force: OrderForce | null }[] = [];
    for (let i = 0; i < count; i += 1) {
      plan.push({ t: this.orderTime(rng, windowStart), force: null });
    }
    const force = c.fixture?.force;
    if (force && plan[0]) {
      plan[0] = { t: this.asOfMs - Math.floor((force.ageDays[0] + rng.next() * (force.ageDays[1] - force.ageDays[0])) * DAY), force };
    }
    plan.sort((a, b) => a.t - b.t);
    for (const p of plan) c.orders.push(this.buildOrder(rng, c, p.t, p.force));
  }

  /** Shoppers buy in the daytime; the hour is drawn from local-ish shopping hours in UTC. */
  private orderTime(rng: Random, windowStart: number): number {
    const lastMoment = this.asOfMs - 10 * MINUTE;
    const t = between(rng, windowStart, lastMoment);
    const dayStart = Math.floor(t / DAY) * DAY;
    const shifted = dayStart + rng.int(12, 23) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000 + rng.int(0, 999);
    return shifted < lastMoment && shifted >= windowStart ? shifted : t;
  }

  private buildOrder(rng: Random, c: ErpCustomer, t0: number, force: OrderForce | null): TxDraft {
    const business = c.segment === 'Business';
    const order = this.newTx('SalesOrd', c, t0);
    order.channel = business
      ? weighted<Channel>(rng, [['AGENT', 40], ['WEB', 45], ['STORE', 15]])
      : weighted<Channel>(rng, [['WEB', 55], ['STORE', 25], ['MARKETPLACE', 12], ['AGENT', 8]]);
    const lineCount = weighted(rng, [[1, 35], [2, 25], [3, 17], [4, 10], [5, 8], [6, 5]]);
    const chosen = new Set<CatalogItem>();
    while (chosen.size < lineCount) chosen.add(rng.pick(this.activeItems));
    for (const item of chosen) {
      const discount = rng.chance(0.15) ? rng.pick([10, 15, 20, 25]) : 0;
      order.lines.push({
        item,
        quantity: weighted(rng, [[1, 55], [2, 22], [3, 11], [4, 7], [5, 5]]),
        // Integer cents throughout; the product is exact and the rounding explicit.
        rateCents: Math.round((item.priceCents * (100 - discount)) / 100),
        shipRecv: 0,
      });
    }

    const ageDays = (this.asOfMs - t0) / DAY;
    const status = force?.status ?? this.orderStatus(rng, ageDays);
    const latest = this.asOfMs;
    switch (status) {
      case 'A':
        order.status = 'A';
        order.wms = 'F';
        order.modifiedMs = between(rng, t0, Math.min(t0 + 2 * HOUR, latest));
        break;
      case 'B':
        order.status = 'B';
        order.wms = force?.wms ?? (rng.chance(0.6) ? 'T' : 'F');
        order.modifiedMs = between(rng, t0, Math.min(t0 + 6 * HOUR, latest));
        break;
      case 'C':
        order.status = 'C';
        order.wms = 'F';
        order.modifiedMs = between(rng, Math.min(t0 + 10 * MINUTE, latest), Math.min(t0 + 2 * DAY, latest));
        break;
      case 'E':
        this.partialShipment(rng, order);
        break;
      case 'F':
        this.fullShipment(rng, order, latest - HOUR);
        order.status = 'F';
        break;
      case 'G':
        this.billedOrder(rng, order, force);
        break;
      default:
        throw new Error(`unplanned order status ${status}`);
    }

    if (order.status !== 'A' && order.status !== 'B' && order.status !== 'C' && !(force && !force.refundedReturn)) {
      if (force?.refundedReturn || rng.chance(0.05)) this.buildReturn(rng, order, force?.refundedReturn === true);
    }
    return order;
  }

  /** Newer orders are more likely to be in flight; old ones are almost all billed. */
  private orderStatus(rng: Random, ageDays: number): 'A' | 'B' | 'C' | 'E' | 'F' | 'G' {
    if (rng.chance(0.035)) return 'C';
    if (ageDays < 1) return rng.chance(0.35) ? 'A' : 'B';
    if (ageDays < 3) return weighted(rng, [['A', 10], ['B', 50], ['E', 15], ['F', 25]] as const);
    if (ageDays < 10) return weighted(rng, [['B', 15], ['E', 10], ['F', 25], ['G', 50]] as const);
    if (ageDays < 30) return weighted(rng, [['B', 2], ['E', 3], ['F', 5], ['G', 90]] as const);
    return weighted(rng, [['E', 0.5], ['F', 1], ['G', 98.5]] as const);
  }

  private shipment(rng: Random, order: TxDraft, whenMs: number, quantities: readonly number[]): TxDraft {
    const ship = this.newTx('ItemShip', order.customer, whenMs);
    ship.from = order;
    ship.status = 'C';
    const carrier =
      order.customer.country === 'US'
        ? weighted(rng, [['UPS', 35], ['FedEx', 25], ['USPS', 35], ['DHL', 5]])
        : weighted(rng, [['UPS', 30], ['FedEx', 20], ['DHL', 50]]);
    ship.carrier = carrier;
    ship.tracking = trackingNumber(rng, carrier);
    order.lines.forEach((line, i) => {
      const q = quantities[i] ?? 0;
      if (q <= 0) return;
      line.shipRecv += q;
      ship.lines.push({ item: line.item, quantity: q, rateCents: line.rateCents, shipRecv: q });
    });
    order.wms = 'T';
    order.modifiedMs = Math.max(order.modifiedMs, whenMs);
    return ship;
  }

  /** Ships everything, in one or two parcels, no later than `notAfter`. Returns the last ship time. */
  private fullShipment(rng: Random, order: TxDraft, notAfter: number): number {
    const t0 = order.createdMs;
    const lines = order.lines;
    const first = between(rng, Math.min(t0 + 2 * HOUR, notAfter), Math.min(t0 + 3 * DAY, notAfter));
    if (lines.length >= 2 && rng.chance(0.15)) {
      const split = Math.ceil(lines.length / 2);
      this.shipment(rng, order, first, lines.map((l, i) => (i < split ? l.quantity : 0)));
      const second = between(rng, Math.min(first + HOUR, notAfter), Math.min(first + 2 * DAY, notAfter));
      this.shipment(rng, order, second, lines.map((l, i) => (i < split ? 0 : l.quantity)));
      return second;
    }
    this.shipment(rng, order, first, lines.map((l) => l.quantity));
    return first;
  }

  private partialShipment(rng: Random, order: TxDraft): void {
    const units = order.lines.reduce((s, l) => s + l.quantity, 0);
    if (units < 2) {
      // A single unit cannot be partly shipped.
      this.fullShipment(rng, order, this.asOfMs - HOUR);
      order.status = 'F';
      return;
    }
    const quantities = order.lines.map((l) => rng.int(0, l.quantity));
    let shipped = quantities.reduce((s, q) => s + q, 0);
    if (shipped === 0) {
      quantities[0] = 1;
      shipped = 1;
    }
    if (shipped === units) {
      const i = quantities.findIndex((q) => q > 0);
      quantities[i] = (quantities[i] ?? 1) - 1;
    }
    const t0 = order.createdMs;
    const when = between(rng, Math.min(t0 + 2 * HOUR, this.asOfMs - HOUR), Math.min(t0 + 3 * DAY, this.asOfMs - HOUR));
    this.shipment(rng, order, when, quantities);
    order.status = 'E';
  }

  private billedOrder(rng: Random, order: TxDraft, force: OrderForce | null): void {
    const c = order.customer;
    // Billing follows the last parcel by at least a day, so its trandate is later.
    const lastShip = this.fullShipment(rng, order, this.asOfMs - 1.5 * DAY);
    const invoiceMs = between(rng, lastShip + DAY, Math.min(lastShip + 3 * DAY, this.asOfMs));
    const inv = this.newTx('CustInvc', c, invoiceMs);
    inv.from = order;
    inv.lines = order.lines.map((l) => ({ item: l.item, quantity: l.quantity, rateCents: l.rateCents, shipRecv: 0 }));
    const trandate = dayOf(invoiceMs);
    inv.duedate = addDays(trandate, c.termDays);
    const total = linesCents(inv.lines);
    inv.remainingCents = total;
    order.status = 'G';
    order.modifiedMs = Math.max(order.modifiedMs, invoiceMs);

    if (!force && rng.chance(0.03)) {
      // A voided invoice puts the order back to pending billing.
      inv.status = 'V';
      inv.remainingCents = 0;
      inv.modifiedMs = between(rng, invoiceMs, Math.min(invoiceMs + 5 * DAY, this.asOfMs));
      order.status = 'F';
      order.modifiedMs = Math.max(order.modifiedMs, inv.modifiedMs);
      return;
    }

    const business = c.segment === 'Business';
    // Debts get collected: the longer past due, the likelier paid. What stays open is the overdue tail.
    const daysPastDue = (this.asOfMs - Date.parse(`${inv.duedate}T00:00:00.000Z`)) / DAY;
    const outcome =
      force?.payment ??
      (c.creditHold === 'ON'
        ? weighted(rng, [['paid', 55], ['partial', 15], ['unpaid', 30]] as const)
        : daysPastDue <= 0
          ? business
            ? weighted(rng, [['paid', 40], ['partial', 12], ['unpaid', 48]] as const)
            : weighted(rng, [['paid', 85], ['partial', 3], ['unpaid', 12]] as const)
          : daysPastDue <= 60
            ? weighted(rng, [['paid', 86], ['partial', 6], ['unpaid', 8]] as const)
            : weighted(rng, [['paid', 98], ['partial', 0.8], ['unpaid', 1.2]] as const));

    const payWindowEnd = Math.min(invoiceMs + (c.termDays + (business ? 20 : 2)) * DAY, this.asOfMs);
    const method = business
      ? weighted(rng, [['ACH', 50], ['Check', 25], ['Wire', 15], ['Visa', 10]])
      : weighted(rng, [['Visa', 45], ['Mastercard', 30], ['American Express', 10], ['PayPal', 10], ['Gift Card', 5]]);
    const amounts: number[] = [];
    if (outcome === 'paid') {
      if (total >= 200 && rng.chance(0.12)) {
        const firstPart = Math.floor((total * rng.int(20, 80)) / 100);
        amounts.push(firstPart, total - firstPart);
      } else {
        amounts.push(total);
      }
    } else if (outcome === 'partial' && total >= 2) {
      amounts.push(Math.max(1, Math.min(total - 1, Math.floor((total * rng.int(20, 80)) / 100))));
    }
    let payMs = invoiceMs;
    for (const cents of amounts) {
      payMs = between(rng, Math.min(payMs + HOUR, payWindowEnd), payWindowEnd);
      const pay = this.newTx('CustPymt', c, payMs);
      pay.amountCents = cents;
      pay.paymentmethod = method;
      pay.status = this.asOfMs - payMs > 3 * DAY ? 'C' : 'B';
      this.links.push({ invoice: inv, doc: pay, linktype: 'Payment', cents });
      inv.remainingCents -= cents;
      inv.modifiedMs = Math.max(inv.modifiedMs, payMs);
    }
    inv.status = inv.remainingCents === 0 ? 'B' : 'A';
  }

  private buildReturn(rng: Random, order: TxDraft, refunded: boolean): void {
    const shipped = order.lines.filter((l) => l.shipRecv > 0);
    const ships = this.shipmentsOf(order);
    const lastShip = Math.max(...ships.map((s) => s.createdMs));
    const earliest = lastShip + 2 * DAY;
    if (shipped.length === 0 || earliest >= this.asOfMs - HOUR) return;
    const rmaMs = between(rng, earliest, Math.min(lastShip + 40 * DAY, this.asOfMs - HOUR));
    const rma = this.newTx('RtnAuth', order.customer, rmaMs);
    rma.from = order;
    rma.reason = rng.pick(RETURN_REASONS);
    rma.memo = rma.reason;
    for (const line of shipped) {
      if (rma.lines.length === 0 || rng.chance(0.5)) {
        rma.lines.push({ item: line.item, quantity: rng.int(1, line.shipRecv), rateCents: line.rateCents, shipRecv: 0 });
      }
    }
    const units = rma.lines.reduce((s, l) => s + l.quantity, 0);
    const rmaAge = (this.asOfMs - rmaMs) / DAY;
    let status = refunded
      ? 'G'
      : rmaAge < 5
        ? weighted(rng, [['A', 40], ['B', 60]])
        : weighted(rng, [['G', 55], ['F', 8], ['B', 8], ['C', 10], ['H', 5], ['D', 7], ['E', 7]]);
    if ((status === 'D' || status === 'E') && units < 2) status = 'F';
    const refundEarliest = rmaMs + 3 * DAY;
    if (status === 'G' && refundEarliest >= this.asOfMs) status = 'F';

    if (status === 'D' || status === 'E') {
      let toReceive = rng.int(1, units - 1);
      for (const l of rma.lines) {
        const r = Math.min(l.quantity, toReceive);
        l.shipRecv = r;
        toReceive -= r;
      }
    } else if (status === 'F' || status === 'G' || status === 'H') {
      for (const l of rma.lines) l.shipRecv = l.quantity;
    }
    rma.status = status;
    rma.modifiedMs = status === 'A' ? rmaMs : between(rng, rmaMs, Math.min(rmaMs + 10 * DAY, this.asOfMs));

    if (status !== 'G') return;
    const cmMs = between(rng, refundEarliest, Math.min(rmaMs + 20 * DAY, this.asOfMs));
    const cm = this.newTx('CustCred', order.customer, cmMs);
    cm.from = rma;
    cm.memo = rma.reason;
    cm.lines = rma.lines.map((l) => ({ item: l.item, quantity: l.quantity, rateCents: l.rateCents, shipRecv: 0 }));
    rma.modifiedMs = Math.max(rma.modifiedMs, cmMs);
    const cmTotal = linesCents(cm.lines);
    // A credit is applied to the order's invoice while it is still open; otherwise it stays available.
    const inv = this.invoiceOf(order);
    const open = inv && inv.status === 'A' && (inv.remainingCents ?? 0) > 0 ? inv : null;
    if (open) {
      const applied = Math.min(open.remainingCents ?? 0, cmTotal);
      this.links.push({ invoice: open, doc: cm, linktype: 'Credit', cents: applied });
      open.remainingCents = (open.remainingCents ?? 0) - applied;
      open.status = open.remainingCents === 0 ? 'B' : 'A';
      open.modifiedMs = Math.max(open.modifiedMs, cmMs);
      cm.status = applied === cmTotal ? 'B' : 'A';
    } else {
      cm.status = 'A';
    }
  }

  // Orders have few documents each and these lookups only run for the ~5% that are returned.
  private shipmentsOf(order: TxDraft): TxDraft[] {
    const found: TxDraft[] = [];
    for (let i = this.txs.length - 1; i >= 0 && this.txs[i] !== order; i -= 1) {
      const tx = this.txs[i] as TxDraft;
      if (tx.type === 'ItemShip' && tx.from === order) found.push(tx);
    }
    return found;
  }

  private invoiceOf(order: TxDraft): TxDraft | null {
    for (let i = this.txs.length - 1; i >= 0 && this.txs[i] !== order; i -= 1) {
      const tx = this.txs[i] as TxDraft;
      if (tx.type === 'CustInvc' && tx.from === order) return tx;
    }
    return null;
  }

  /** What was drawn, for numbering once every customer's orders are in. */
  drafts(): { txs: readonly TxDraft[]; links: readonly LinkDraft[] } {
    return { txs: this.txs, links: this.links };
  }
}

function trackingNumber(rng: Random, carrier: string): string {
  const digits = (k: number): string => {
    let s = '';
    for (let i = 0; i < k; i += 1) s += String(rng.int(0, 9));
    return s;
  };
  switch (carrier) {
    case 'UPS': {
      let account = '';
      for (let i = 0; i < 6; i += 1) account += '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'.charAt(rng.int(0, 32));
      return `1Z${account}03${digits(8)}`;
    }
    case 'FedEx':
      return digits(12);
    case 'USPS':
      return `9400${digits(18)}`;
    default:
      return digits(10);
  }
}
