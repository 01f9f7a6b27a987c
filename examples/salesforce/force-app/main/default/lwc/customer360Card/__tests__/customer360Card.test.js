import { createElement } from '@lwc/engine-dom';
import Customer360Card from 'c/customer360Card';
import getCustomer360 from '@salesforce/apex/Customer360Controller.getCustomer360';

// The Apex method as a wire adapter the test drives: emit() answers, error() fails the call.
jest.mock(
    '@salesforce/apex/Customer360Controller.getCustomer360',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);

const FULL = require('./data/full.json');
const ERP_DOWN = require('./data/erpDown.json');
const SALESFORCE_DOWN = require('./data/salesforceDown.json');

const ACCOUNT_ID = '001Dn000000AbCdIAK';

function mount() {
    const element = createElement('c-customer360-card', { is: Customer360Card });
    element.recordId = ACCOUNT_ID;
    document.body.appendChild(element);
    return element;
}

/** The Apex method answers with the graph's JSON as a string, as Customer360Controller does. */
async function answer(body) {
    getCustomer360.emit(JSON.stringify(body));
    await Promise.resolve();
}

const texts = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector)).map((n) => n.textContent.trim());

describe('c-customer360-card', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('asks for the record page Account and shows a spinner until the answer', async () => {
        const element = mount();
        await Promise.resolve();
        expect(getCustomer360.getLastConfig()).toEqual({ recordId: ACCOUNT_ID });
        expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
    });

    it('renders orders, balance and open cases from the graph', async () => {
        const element = mount();
        await answer(FULL);

        const card = element.shadowRoot.querySelector('lightning-card');
        expect(card.title).toBe('Customer 360: Ada Byrne');
        expect(texts(element, '.customer-number')[0]).toContain('C-000042');
        expect(texts(element, '.loyalty')[0]).toBe('· GOLD · 1200 points');

        const balance = element.shadowRoot.querySelector('.balance-amount');
        expect(balance.value).toBe(120.5);
        expect(balance.currencyCode).toBe('USD');
        expect(element.shadowRoot.querySelector('.overdue-amount').value).toBe(20);
        expect(element.shadowRoot.querySelector('.credit-hold').label).toBe('Credit hold');

        expect(texts(element, '.order-id')).toEqual(['SO-100234', 'SO-100101']);
        expect(texts(element, '.order-status')).toEqual(['SHIPPED', 'BILLED']);
        expect(Array.from(element.shadowRoot.querySelectorAll('.order-total')).map((n) => n.value)).toEqual([89.9, 30.6]);

        expect(texts(element, '.open-case-count')).toEqual(['1 open']);
        expect(texts(element, '.case-subject')).toEqual(['Late parcel']);
        expect(element.shadowRoot.querySelectorAll('.section-error')).toHaveLength(0);
        expect(element.shadowRoot.querySelector('.card-error')).toBeNull();
    });

    it('shows a message in each section whose system is down, and the rest as usual', async () => {
        const element = mount();
        await answer(ERP_DOWN);

        expect(texts(element, '.balance .section-error')).toEqual(['The ERP is unavailable: the balance cannot be shown right now.']);
        expect(texts(element, '.orders .section-error')).toEqual(['The ERP is unavailable: orders cannot be shown right now.']);
        expect(element.shadowRoot.querySelector('.balance-amount')).toBeNull();
        expect(element.shadowRoot.querySelectorAll('.order')).toHaveLength(0);

        // The service desk answered: its section shows its data, and the card its customer.
        expect(element.shadowRoot.querySelector('.cases .section-error')).toBeNull();
        expect(texts(element, '.case-subject')).toEqual(['Late parcel']);
        expect(element.shadowRoot.querySelector('lightning-card').title).toBe('Customer 360: Ada Byrne');
        expect(element.shadowRoot.querySelector('.card-error')).toBeNull();
    });

    it('names the system when the customer itself cannot be found because Salesforce is down', async () => {
        const element = mount();
        await answer(SALESFORCE_DOWN);
        expect(texts(element, '.card-error')).toEqual(['Salesforce is unavailable: the customer cannot be shown right now.']);
        expect(element.shadowRoot.querySelector('.not-found')).toBeNull();
    });

    it('says so when the graph knows no customer for the Account', async () => {
        const element = mount();
        await answer({ data: { customerByIdentity: null } });
        expect(element.shadowRoot.querySelector('.not-found')).not.toBeNull();
        expect(element.shadowRoot.querySelector('.card-error')).toBeNull();
        expect(element.shadowRoot.querySelector('.balance')).toBeNull();
    });

    it('shows an error state when the Apex call fails', async () => {
        const element = mount();
        getCustomer360.error({ message: 'The retail graph could not be reached: Read timed out' });
        await Promise.resolve();

        expect(texts(element, '.card-error')).toEqual(['The retail graph could not be reached: Read timed out']);
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
        expect(element.shadowRoot.querySelector('.balance')).toBeNull();
        expect(element.shadowRoot.querySelector('.orders')).toBeNull();
        expect(element.shadowRoot.querySelector('.cases')).toBeNull();
    });
});
