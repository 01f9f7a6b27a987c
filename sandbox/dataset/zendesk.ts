/**
 * The service desk's part of the dataset (Zendesk): an organization and an
 * end user per customer, the agents, and tickets with their comments, some of
 * them about an order.
 */
import { between, DAY, HOUR, isoSeconds, MINUTE, slug, STREAM, streamSeed, weighted } from './common.js';
import type { Customer, EndUser } from './customers.js';
import {
  ORDER_NUMBER_FIELD_ID,
  type NsCustomer,
  type ZdComment,
  type ZdOrganization,
  type ZdPriority,
  type ZdStatus,
  type ZdTicket,
  type ZdUser,
  type ZendeskData,
} from './model.js';
import {
  AGENT_REPLIES,
  CUSTOMER_REPLIES,
  FIRST_NAMES,
  GENERAL_TICKET_SUBJECTS,
  INTERNAL_NOTES,
  LAST_NAMES,
  ORDER_TICKET_SUBJECTS,
} from './names.js';
import { createRandom, type Random } from './random.js';

const AGENT_COUNT = 10;

const ORGANIZATION_ID_BASE = 360001000000;
const USER_ID_BASE = 361001000000;
const COMMENT_ID_BASE = 370001000000;

/** An order as a ticket quotes it, once the ERP has numbered it. */
export interface TicketOrder {
  createdMs: number;
  tranid: string;
  status: string;
  channel: string | null;
}

/** What tickets need of a customer: who it is, its credit hold, and its orders. */
export interface TicketCustomer extends Pick<Customer, 'n' | 'fixture' | 'segment' | 'createdMs'> {
  creditHold: NsCustomer['credithold'];
  orders: readonly TicketOrder[];
}

export class ZendeskRecords {
  private readonly organizations: ZdOrganization[] = [];
  private readonly users: ZdUser[] = [];
  private readonly agents: ZdUser[] = [];

  constructor(
    private readonly seed: number,
    private readonly count: number,
    private readonly asOfMs: number,
  ) {}

  /**
   * Draws the customer's organization and its end user, and answers them. `ids` are the
   * crosswalk fixtures' own (crosswalk.ts).
   */
  addCustomer(
    rng: Random,
    customer: Customer,
    endUser: EndUser,
    ids = { organization: ORGANIZATION_ID_BASE + customer.n, user: USER_ID_BASE + customer.n },
  ): { organization: ZdOrganization; user: ZdUser } {
    const zdCreated = Math.min(this.asOfMs, customer.createdMs + between(rng, MINUTE, DAY));
    const organization: ZdOrganization = {
      id: ids.organization,
      external_id: customer.number,
      name: customer.name,
      created_at: isoSeconds(zdCreated),
      updated_at: isoSeconds(between(rng, zdCreated, this.asOfMs)),
    };
    const user: ZdUser = {
      id: ids.user,
      external_id: customer.number,
      name: endUser.name,
      email: endUser.email,
      role: 'end-user',
      organization_id: ids.organization,
      created_at: isoSeconds(zdCreated),
      updated_at: isoSeconds(between(rng, zdCreated, this.asOfMs)),
    };
    this.organizations.push(organization);
    this.users.push(user);
    return { organization, user };
  }

  /** An organization and its end users as given, with no tickets: the crosswalk's duplicates and orphans. */
  addOrganization(organization: ZdOrganization, ...users: ZdUser[]): void {
    this.organizations.push(organization);
    this.users.push(...users);
  }

  /** Draws the agents, then every customer's tickets; the customers' orders must be numbered by then. */
  data(customers: readonly TicketCustomer[]): ZendeskData {
    this.buildAgents();
    const { tickets, comments } = this.buildTickets(customers);
    return {
      organizations: this.organizations,
      users: [...this.users, ...this.agents],
      tickets,
      comments,
    };
  }

  private buildAgents(): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.agents, 0));
    const base = USER_ID_BASE + this.count;
    const created = (): number => between(rng, this.asOfMs - 7 * 365 * DAY, this.asOfMs - 3 * 365 * DAY);
    // The API-token user of CONTRACT.md, so tickets created through the API have a submitter.
    const apiCreated = created();
    this.agents.push({
      id: base + 1,
      external_id: null,
      name: 'Sandbox Agent',
      email: 'agent@sandbox.example',
      role: 'admin',
      organization_id: null,
      created_at: isoSeconds(apiCreated),
      updated_at: isoSeconds(between(rng, apiCreated, this.asOfMs)),
    });
    const names = new Set<string>();
    while (this.agents.length < AGENT_COUNT + 1) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      const name = `${first} ${last}`;
      if (names.has(name)) continue;
      names.add(name);
      const createdMs = created();
      this.agents.push({
        id: base + this.agents.length + 1,
        external_id: null,
        name,
        email: `${slug(first, '.')}.${slug(last, '.')}@support.sandbox.example`,
        role: 'agent',
        organization_id: null,
        created_at: isoSeconds(createdMs),
        updated_at: isoSeconds(between(rng, createdMs, this.asOfMs)),
      });
    }
  }

  private buildTickets(customers: readonly TicketCustomer[]): { tickets: ZdTicket[]; comments: ZdComment[] } {
    interface TicketDraft {
      seq: number;
      createdMs: number;
      ticket: Omit<ZdTicket, 'id'>;
      comments: Omit<ZdComment, 'id' | 'ticket_id'>[];
    }
    const drafts: TicketDraft[] = [];
    const staff = this.agents.filter((a) => a.role === 'agent');
    let seq = 0;

    for (const c of customers) {
      const rng = createRandom(streamSeed(this.seed, STREAM.tickets, c.n));
      const forced = c.fixture?.openOrderTicket === true && c.orders.length > 0;
      const count = forced ? 1 : rng.chance(0.3) ? weighted(rng, [[1, 50], [2, 25], [3, 12], [4, 8], [5, 5]]) : 0;
      const requesterId = USER_ID_BASE + c.n;
      const orgId = ORGANIZATION_ID_BASE + c.n;
      for (let k = 0; k < count; k += 1) {
        const order = c.orders.length > 0 && (forced || rng.chance(0.45)) ? rng.pick(c.orders) : null;
        const createdMs = order
          ? between(rng, Math.min(order.createdMs + HOUR, this.asOfMs), Math.min(order.createdMs + 30 * DAY, this.asOfMs))
          : between(rng, Math.max(c.createdMs, this.asOfMs - 730 * DAY), this.asOfMs);
        const template = order
          ? rng.pick(ORDER_TICKET_SUBJECTS.filter((s) => ticketFits(s.stage, order.status)))
          : rng.pick(GENERAL_TICKET_SUBJECTS);
        const subject = order ? template.subject.replace('{order}', order.tranid) : template.subject;
        const description = order ? template.body.replace('{order}', order.tranid) : template.body;
        const ageDays = (this.asOfMs - createdMs) / DAY;
        const status: ZdStatus = forced ? 'open' : ticketStatus(rng, ageDays);
        const assignee = status === 'new' ? null : rng.pick(staff);
        const viaAgent = assignee !== null && rng.chance(0.2);

        const comments: TicketDraft['comments'] = [
          { author_id: requesterId, body: description, public: true, created_at: isoSeconds(createdMs) },
        ];
        let lastMs = createdMs;
        const extra = assignee ? weighted(rng, [[0, 15], [1, 25], [2, 20], [3, 15], [4, 12], [5, 8], [6, 5]]) : 0;
        for (let j = 0; j < extra && assignee; j += 1) {
          const at = lastMs + between(rng, 10 * MINUTE, 2 * DAY);
          if (at > this.asOfMs) break;
          lastMs = at;
          const kind = j === 0 ? 'reply' : weighted(rng, [['customer', 45], ['reply', 35], ['note', 20]] as const);
          comments.push(
            kind === 'customer'
              ? { author_id: requesterId, body: rng.pick(CUSTOMER_REPLIES), public: true, created_at: isoSeconds(at) }
              : kind === 'reply'
                ? { author_id: assignee.id, body: rng.pick(AGENT_REPLIES), public: true, created_at: isoSeconds(at) }
                : { author_id: rng.chance(0.8) ? assignee.id : rng.pick(staff).id, body: rng.pick(INTERNAL_NOTES), public: false, created_at: isoSeconds(at) },
          );
        }
        const updatedMs =
          status === 'solved' || status === 'closed'
            ? Math.min(this.asOfMs, lastMs + between(rng, HOUR, status === 'closed' ? 28 * DAY : 4 * DAY))
            : lastMs;

        const tags = new Set<string>(template.tags);
        if (c.segment === 'Business') tags.add('b2b');
        if (order) tags.add(`channel_${(order.channel ?? 'web').toLowerCase()}`);
        if (c.creditHold === 'ON') tags.add('credit_hold');

        seq += 1;
        drafts.push({
          seq,
          createdMs,
          comments,
          ticket: {
            external_id: null,
            subject,
            description,
            status,
            priority: weighted<ZdPriority>(rng, [['low', 20], ['normal', 55], ['high', 20], ['urgent', 5]]),
            type: weighted<ZdTicket['type']>(rng, [['question', 40], ['incident', 35], ['problem', 5], ['task', 5], [null, 15]]),
            requester_id: requesterId,
            submitter_id: viaAgent ? assignee.id : requesterId,
            assignee_id: assignee ? assignee.id : null,
            organization_id: orgId,
            tags: [...tags].sort(),
            custom_fields: [{ id: ORDER_NUMBER_FIELD_ID, value: order ? order.tranid : null }],
            created_at: isoSeconds(createdMs),
            updated_at: isoSeconds(updatedMs),
          },
        });
      }
    }

    drafts.sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
    const tickets: ZdTicket[] = [];
    const comments: ZdComment[] = [];
    drafts.forEach((d, index) => {
      const id = index + 1;
      tickets.push({ id, ...d.ticket });
      for (const comment of d.comments) {
        comments.push({ id: COMMENT_ID_BASE + comments.length + 1, ticket_id: id, ...comment });
      }
    });
    return { tickets, comments };
  }
}

/** A customer asks about a refund only once something shipped, about an invoice once billed. */
function ticketFits(stage: 'any' | 'shipped' | 'billed', orderStatus: string): boolean {
  switch (stage) {
    case 'any':
      return true;
    case 'shipped':
      return orderStatus === 'E' || orderStatus === 'F' || orderStatus === 'G';
    case 'billed':
      return orderStatus === 'G';
    default: {
      const unreachable: never = stage;
      throw new Error(`unknown ticket stage ${String(unreachable)}`);
    }
  }
}

/** Open work is recent; old tickets are almost all solved or closed. */
function ticketStatus(rng: Random, ageDays: number): ZdStatus {
  if (ageDays < 4) return weighted<ZdStatus>(rng, [['new', 30], ['open', 35], ['pending', 20], ['hold', 5], ['solved', 10]]);
  if (ageDays < 30) {
    return weighted<ZdStatus>(rng, [['new', 5], ['open', 10], ['pending', 10], ['hold', 5], ['solved', 50], ['closed', 20]]);
  }
  return weighted<ZdStatus>(rng, [['open', 2], ['pending', 2], ['hold', 1], ['solved', 10], ['closed', 85]]);
}
