/**
 * The ERP's part of the dataset (NetSuite): terms, the item catalog and one
 * customer record per customer (terms, credit, addresses). The customers'
 * orders and what follows them are drawn in `netsuite-orders.ts` and numbered
 * in `netsuite-numbering.ts`.
 */
import { between, formatCents, HOUR, isoMs, MINUTE, STREAM, streamSeed, weighted } from './common.js';
import type { CountryCode, Customer } from './customers.js';
import type { NetSuiteData, NsAddress, NsCustomer, NsTerm } from './model.js';
import { COUNTRIES, PRODUCT_ADJECTIVES, PRODUCT_FAMILIES, PRODUCT_MATERIALS } from './names.js';
import { numberTransactions } from './netsuite-numbering.js';
import { Transactions, type CatalogItem, type ErpCustomer } from './netsuite-orders.js';
import { createRandom, type Random } from './random.js';

const TERMS: readonly NsTerm[] = [
  { id: 1, name: 'Net 15', daysuntilnetdue: 15 },
  { id: 2, name: 'Net 30', daysuntilnetdue: 30 },
  { id: 3, name: 'Net 45', daysuntilnetdue: 45 },
  { id: 4, name: 'Net 60', daysuntilnetdue: 60 },
  { id: 5, name: 'Due on receipt', daysuntilnetdue: 0 },
];
export const TERM_NET_30 = 2;
const TERM_DUE_ON_RECEIPT = 5;

const ITEM_ID_BASE = 500;
const CUSTOMER_ID_BASE = 1000;

export class NetSuiteRecords {
  private readonly catalog: CatalogItem[] = [];
  private readonly activeItems: CatalogItem[] = [];
  private readonly customers: NsCustomer[] = [];
  private readonly transactions: Transactions;

  constructor(
    private readonly seed: number,
    private readonly asOfMs: number,
  ) {
    this.buildCatalog();
    this.transactions = new Transactions(seed, asOfMs, this.activeItems);
  }

  private buildCatalog(): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.catalog, 0));
    const size = rng.int(300, 500);
    const seen = new Set<string>();
    while (this.catalog.length < size) {
      const family = rng.pick(PRODUCT_FAMILIES);
      const material = rng.chance(0.6) ? `${rng.pick(PRODUCT_MATERIALS)} ` : '';
      const name = `${rng.pick(PRODUCT_ADJECTIVES)} ${material}${rng.pick(family.nouns)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      const dollars = rng.int(Math.floor(family.minCents / 100), Math.floor(family.maxCents / 100) - 1);
      const priceCents = dollars * 100 + rng.pick([99, 95, 50, 0]);
      const index = this.catalog.length;
      const entry: CatalogItem = {
        priceCents,
        item: {
          id: ITEM_ID_BASE + index + 1,
          itemid: `SKU-${10000 + index}`,
          displayname: name,
          baseprice: formatCents(priceCents),
          isinactive: rng.chance(0.03) ? 'T' : 'F',
        },
      };
      this.catalog.push(entry);
      if (entry.item.isinactive === 'F') this.activeItems.push(entry);
    }
  }

  private address(rng: Random, country: CountryCode, business: boolean, cityName?: string): NsAddress {
    const info = COUNTRIES[country];
    const city = info.cities.find((c) => c.city === cityName) ?? rng.pick(info.cities);
    const street = rng.pick(info.streets);
    const digit = (): string => String(rng.int(0, 9));
    const letter = (alphabet: string): string => alphabet.charAt(rng.int(0, alphabet.length - 1));
    let addr1: string;
    let zip: string;
    let addr2: string | null = null;
    switch (country) {
      case 'US':
      case 'CA':
        addr1 = `${rng.int(1, 9999)} ${street}`;
        zip =
          country === 'US'
            ? `${city.postal}${digit()}${digit()}`
            : `${city.postal}${digit()}${letter('ABCEGHJKLMNPRSTVXY')} ${digit()}${letter('ABCEGHJKLMNPRSTVXY')}${digit()}`;
        if (rng.chance(business ? 0.4 : 0.2)) addr2 = business ? `Suite ${rng.int(100, 1200)}` : `Apt ${rng.int(1, 40)}${letter('ABCD')}`;
        break;
      case 'GB':
        addr1 = `${rng.int(1, 250)} ${street}`;
        zip = `${city.postal} ${digit()}${letter('ABDEFGHJLNPQRSTUWXYZ')}${letter('ABDEFGHJLNPQRSTUWXYZ')}`;
        if (rng.chance(business ? 0.3 : 0.2)) addr2 = business ? `Unit ${rng.int(1, 30)}` : `Flat ${rng.int(1, 12)}`;
        break;
      case 'DE':
        addr1 = `${street} ${rng.int(1, 180)}`;
        zip = `${city.postal}${digit()}${digit()}${digit()}`;
        if (rng.chance(0.2)) addr2 = business ? `${rng.int(1, 5)}. OG` : 'Hinterhaus';
        break;
      default: {
        const unreachable: never = country;
        throw new Error(`unknown country ${String(unreachable)}`);
      }
    }
    return { addr1, addr2, city: city.city, state: city.state, zip, country: info.code };
  }


  /**
   * Draws the customer's ERP record; the customer it answers is what its orders are drawn for.
   * `nsId` is the crosswalk fixtures' own internal id (crosswalk.ts).
   */
  addCustomer(rng: Random, customer: Customer, nsId = CUSTOMER_ID_BASE + customer.n): ErpCustomer {
    const { fixture, country, company } = customer;
    const business = customer.segment === 'Business';
    const termId =
      fixture?.terms ??
      (business
        ? weighted<number>(rng, [[2, 50], [1, 15], [3, 15], [4, 15], [TERM_DUE_ON_RECEIPT, 5]])
        : rng.chance(0.8)
          ? TERM_DUE_ON_RECEIPT
          : null);
    const termDays = TERMS.find((t) => t.id === termId)?.daysuntilnetdue ?? 0;
    const creditLimitCents = business
      ? rng.chance(0.92)
        ? rng.int(10, 200) * 50_000
        : null
      : rng.chance(0.4)
        ? rng.int(2, 10) * 25_000
        : null;
    const creditHold: NsCustomer['credithold'] =
      fixture?.creditHold ?? (rng.chance(business ? 0.06 : 0.03) ? 'ON' : rng.chance(0.06) ? 'OFF' : 'AUTO');
    const bill = this.address(rng, country, business, fixture?.city);
    const shipCount = weighted(rng, [[1, 60], [2, 30], [3, 10]]);
    const shipaddresses: NsAddress[] = [];
    for (let i = 0; i < shipCount; i += 1) {
      shipaddresses.push(i === 0 && rng.chance(0.7) ? { ...bill } : this.address(rng, country, business));
    }
    const nsCreated = Math.min(this.asOfMs, customer.createdMs + between(rng, MINUTE, 2 * HOUR));
    this.customers.push({
      id: nsId,
      externalid: customer.number,
      entityid: customer.number,
      isperson: business ? 'F' : 'T',
      companyname: company,
      firstname: business ? null : customer.first,
      lastname: business ? null : customer.last,
      email: customer.email,
      phone: customer.phone,
      terms: termId,
      creditlimit: creditLimitCents === null ? null : formatCents(creditLimitCents),
      credithold: creditHold,
      currency: 1,
      subsidiary: 1,
      custentity_tax_class: business
        ? weighted<string | null>(rng, [['TAXABLE', 75], ['RESALE_EXEMPT', 20], [null, 5]])
        : 'TAXABLE',
      billaddress: bill,
      shipaddresses,
      datecreated: isoMs(nsCreated),
      lastmodifieddate: isoMs(between(rng, nsCreated, this.asOfMs)),
    });
    return { ...customer, nsId, termDays, creditHold, orders: [] };
  }

  /** A customer record as given, with no orders: the crosswalk's duplicates and orphans. */
  addRecord(record: NsCustomer): void {
    this.customers.push(record);
  }

  /** The customer record with this internal id, as drawn so far. */
  record(id: number): NsCustomer | undefined {
    return this.customers.find((c) => c.id === id);
  }

  addOrders(customer: ErpCustomer): void {
    this.transactions.addOrders(customer);
  }

  /** Numbers the transactions, which gives the orders the tranids that tickets quote. */
  data(): NetSuiteData {
    const { txs, links: drafted } = this.transactions.drafts();
    const { transactions, lines, links } = numberTransactions(txs, drafted);
    return {
      terms: TERMS.map((t) => ({ ...t })),
      items: this.catalog.map((c) => c.item),
      customers: this.customers,
      transactions,
      lines,
      links,
    };
  }
}
