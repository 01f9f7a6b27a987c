import { LightningElement, api, wire } from 'lwc';
import getCustomer360 from '@salesforce/apex/Customer360Controller.getCustomer360';

/** How the card names each system of record the graph reports in extensions.system. */
const SYSTEM_NAMES = {
    SALESFORCE: 'Salesforce',
    ERP: 'The ERP',
    SERVICE_DESK: 'The service desk'
};

/** What happened to a system, by the graph's error code. */
const FAILURES = {
    UPSTREAM_UNAVAILABLE: 'is unavailable',
    UPSTREAM_TIMEOUT: 'did not answer in time',
    UPSTREAM_RATE_LIMITED: 'is busy'
};

/**
 * The customer-360 card of an Account record page. The graph answers each part of the
 * customer from the system that owns it, so one system being down nulls only its part: that
 * section shows why, and the rest of the card shows as usual.
 */
export default class Customer360Card extends LightningElement {
    @api recordId;

    /** The graph's answer ({ data, errors }), parsed. */
    answer;
    /** Why there is no answer at all (the Apex call failed). */
    loadError;

    @wire(getCustomer360, { recordId: '$recordId' })
    wiredAnswer({ data, error }) {
        if (data) {
            try {
                this.answer = JSON.parse(data);
                this.loadError = undefined;
            } catch (e) {
                this.answer = undefined;
                this.loadError = 'The retail graph sent an answer this card cannot read.';
            }
        } else if (error) {
            this.answer = undefined;
            this.loadError = messageOf(error);
        }
    }

    get loading() {
        return !this.answer && !this.loadError;
    }

    get customer() {
        return this.answer?.data?.customerByIdentity ?? null;
    }

    /** The card-wide problem: the Apex call failed, or the graph could not find the customer at all. */
    get cardError() {
        if (this.loadError) {
            return this.loadError;
        }
        if (this.answer && !this.customer) {
            const error = this.errorsAt(null)[0];
            return error ? describe(error, 'the customer') : null;
        }
        return null;
    }

    get notFound() {
        return Boolean(this.answer) && !this.customer && !this.cardError;
    }

    get title() {
        return this.customer?.name ? `Customer 360: ${this.customer.name}` : 'Customer 360';
    }

    get customerNumber() {
        return this.customer?.id;
    }

    get loyalty() {
        const l = this.customer?.loyalty;
        return l ? `${l.tier} · ${l.points} points` : null;
    }

    // Balance (the ERP)
    get financials() {
        return this.customer?.financials ?? null;
    }

    get balanceError() {
        return this.sectionError('financials', 'the balance');
    }

    get balanceAmount() {
        return amountOf(this.financials?.balance);
    }

    get balanceCurrency() {
        return this.financials?.balance?.currency;
    }

    get overdueAmount() {
        return amountOf(this.financials?.overdueBalance);
    }

    get overdueCurrency() {
        return this.financials?.overdueBalance?.currency;
    }

    get hasOverdue() {
        return this.overdueAmount > 0;
    }

    get creditHold() {
        return this.financials?.creditHold === true;
    }

    // Orders (the ERP)
    get ordersError() {
        return this.sectionError('orders', 'orders');
    }

    get orders() {
        return (this.customer?.orders?.nodes ?? []).map((o) => ({
            id: o.id,
            status: o.status,
            placedAt: o.placedAt,
            amount: amountOf(o.total),
            currency: o.total?.currency
        }));
    }

    get hasOrders() {
        return this.orders.length > 0;
    }

    // Open cases (the service desk)
    get casesError() {
        return this.sectionError('cases', 'open cases');
    }

    get cases() {
        return this.customer?.cases?.nodes ?? [];
    }

    get openCaseCount() {
        return this.customer?.cases?.totalCount ?? this.cases.length;
    }

    get hasCases() {
        return this.cases.length > 0;
    }

    /** Errors whose path is at `field` of the customer (null: at the customer itself). */
    errorsAt(field) {
        return (this.answer?.errors ?? []).filter((e) => {
            const path = Array.isArray(e.path) ? e.path : [];
            return field === null ? path.length <= 1 : path[1] === field;
        });
    }

    /** The message of a section whose system failed; null while it shows its data. */
    sectionError(field, what) {
        if (!this.customer) {
            return null;
        }
        const error = this.errorsAt(field)[0];
        return error ? describe(error, what) : null;
    }
}

/** "The ERP is unavailable: the balance cannot be shown right now." */
function describe(error, what) {
    const ext = error.extensions ?? {};
    const failure = FAILURES[ext.code];
    if (failure && ext.system) {
        const system = SYSTEM_NAMES[ext.system] ?? ext.system;
        return `${system} ${failure}: ${what} cannot be shown right now.`;
    }
    if (ext.code === 'FORBIDDEN') {
        return `You may not see ${what}.`;
    }
    return `${capitalize(what)} cannot be shown: ${error.message}`;
}

function capitalize(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Money amounts are decimal strings ("129.90"); lightning-formatted-number takes numbers. */
function amountOf(money) {
    return money ? Number(money.amount) : null;
}

/** The message of an Apex error as the wire service reports it. */
function messageOf(error) {
    const body = error?.body;
    if (Array.isArray(body)) {
        return body.map((b) => b.message).join(', ');
    }
    return body?.message ?? error?.message ?? 'The customer-360 could not be loaded.';
}
