/** Internal bus events as the feeds and writes publish them, one per topic that other systems hear of. */
export const SAMPLES = [
  {
    eventId: 'order-status:SO-100234:SHIPPED:2026-11-20T10:00:00Z',
    topic: 'order.status',
    occurredAt: '2026-11-20T10:00:00Z',
    payload: { orderId: 'SO-100234', customerId: 'C-000042', previousStatus: 'RELEASED', status: 'SHIPPED', changedAt: '2026-11-20T10:00:00Z', writeId: 'w-1' },
  },
  {
    eventId: 'invoice-status:INV-300017:PAID:2026-11-20T11:00:00Z',
    topic: 'invoice.status',
    occurredAt: '2026-11-20T11:00:00Z',
    payload: {
      invoiceId: 'INV-300017',
      customerId: 'C-000042',
      previousStatus: 'OPEN',
      status: 'PAID',
      changedAt: '2026-11-20T11:00:00Z',
      invoice: { billingAddress: '1 Main St', email: 'jane@example.com' },
    },
  },
  {
    eventId: 'zendesk:ticket:90001:2026-11-20T12:00:00.000Z',
    topic: 'case.updated',
    occurredAt: '2026-11-20T12:00:00Z',
    payload: { caseId: '90001', customerId: null, previousStatus: null, status: 'OPEN', changedAt: '2026-11-20T12:00:00Z', requesterEmail: 'jane@example.com' },
  },
  {
    eventId: 'salesforce:cdc:001:17',
    topic: 'customer.changed',
    occurredAt: '2026-11-20T13:00:00Z',
    payload: { customerId: 'C-000042', entity: 'Account', changeType: 'UPDATE', changedFields: ['Loyalty_Tier__c', 'PersonEmail', 'PersonEmail'], source: 'cdc', replayId: 17 },
  },
];

