/**
 * The mappers in codegen.ts pinned to the records the connectors return, and the
 * schema's enums to the connectors' string unions, so that a drift on either
 * side fails the test that names the type.
 *
 * A type test: vitest runs it under `tsc` (`typecheck` in vitest.config.ts, part
 * of `vitest run` and so of `npm test`), where each failed assertion is a failed
 * test. The last block asserts relations that must not hold: if the assertions
 * ever stopped being able to fail, its `@ts-expect-error` lines would fail.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { SystemOfRecord } from '../../lib/errors.js';
import type { Connection, Freshness } from '../../lib/pagination.js';
import type * as CustomerTypes from '../../subgraphs/customer/src/__generated__/resolvers-types.js';
import type * as OrderTypes from '../../subgraphs/order/src/__generated__/resolvers-types.js';
import type * as FinanceTypes from '../../subgraphs/finance/src/__generated__/resolvers-types.js';
import type * as ServiceTypes from '../../subgraphs/service/src/__generated__/resolvers-types.js';
import type { CustomerContext, CustomerParent } from '../../subgraphs/customer/src/resolvers.js';
import type { CustomerSegment, LoyaltyTier } from '../../subgraphs/customer/src/salesforce.js';
import type { OrderContext } from '../../subgraphs/order/src/resolvers.js';
import type { OrderRecord, ReturnRecord, ShipmentRecord } from '../../subgraphs/order/src/netsuite.js';
import type { OrderStatus, RefundStatus, ReturnStatus, SalesChannel, ShipmentStatus } from '../../subgraphs/order/src/status.js';
import type { FinanceContext } from '../../subgraphs/finance/src/resolvers.js';
import type { FinancialsRecord, InvoiceRecord, InvoiceStatus, PaymentRecord } from '../../subgraphs/finance/src/netsuite.js';
import type { ServiceContext } from '../../subgraphs/service/src/resolvers.js';
import type { CasePriority, CaseStatus, SupportCaseRecord } from '../../subgraphs/service/src/zendesk.js';

describe('subgraph resolver types', () => {
  it("customer: Customer resolves from CustomerParent; enums are the connector's unions", () => {
    expectTypeOf<CustomerTypes.ResolversParentTypes['Customer']>().toEqualTypeOf<CustomerParent>();
    expectTypeOf<CustomerTypes.CustomerSegment>().toEqualTypeOf<CustomerSegment>();
    expectTypeOf<CustomerTypes.LoyaltyTier>().toEqualTypeOf<LoyaltyTier>();
    expectTypeOf<CustomerTypes.SystemOfRecord>().toEqualTypeOf<SystemOfRecord>();
    expectTypeOf<CustomerTypes.ResolversParentTypes['Freshness']>().toEqualTypeOf<Freshness>();
    // Federation: the reference a gateway sends is the typename and the @key fields.
    expectTypeOf<CustomerTypes.FederationReferenceTypes['Customer']>().toExtend<{ __typename: 'Customer'; id: string }>();
    expectTypeOf<CustomerTypes.Resolvers>().toEqualTypeOf<CustomerTypes.Resolvers<CustomerContext>>();
  });

  it("order: mapped to the NetSuite records; enums are status.ts's unions", () => {
    expectTypeOf<OrderTypes.ResolversParentTypes['Order']>().toEqualTypeOf<OrderRecord>();
    expectTypeOf<OrderTypes.ResolversParentTypes['Shipment']>().toEqualTypeOf<ShipmentRecord>();
    expectTypeOf<OrderTypes.ResolversParentTypes['ReturnAuthorization']>().toEqualTypeOf<ReturnRecord>();
    expectTypeOf<OrderTypes.ResolversParentTypes['OrderConnection']>().toEqualTypeOf<Connection<OrderRecord>>();
    expectTypeOf<OrderTypes.OrderStatus>().toEqualTypeOf<OrderStatus>();
    expectTypeOf<OrderTypes.SalesChannel>().toEqualTypeOf<SalesChannel>();
    expectTypeOf<OrderTypes.ShipmentStatus>().toEqualTypeOf<ShipmentStatus>();
    expectTypeOf<OrderTypes.ReturnStatus>().toEqualTypeOf<ReturnStatus>();
    expectTypeOf<OrderTypes.RefundStatus>().toEqualTypeOf<RefundStatus>();
    expectTypeOf<OrderTypes.FederationReferenceTypes['Order']>().toExtend<{ __typename: 'Order'; id: string }>();
    expectTypeOf<OrderTypes.Resolvers>().toEqualTypeOf<OrderTypes.Resolvers<OrderContext>>();
  });

  it("finance: mapped to the NetSuite records; InvoiceStatus is the connector's union", () => {
    expectTypeOf<FinanceTypes.ResolversParentTypes['Invoice']>().toEqualTypeOf<InvoiceRecord>();
    expectTypeOf<FinanceTypes.ResolversParentTypes['Payment']>().toEqualTypeOf<PaymentRecord>();
    expectTypeOf<FinanceTypes.ResolversParentTypes['CustomerFinancials']>().toEqualTypeOf<FinancialsRecord>();
    expectTypeOf<FinanceTypes.ResolversParentTypes['InvoiceConnection']>().toEqualTypeOf<Connection<InvoiceRecord>>();
    expectTypeOf<FinanceTypes.InvoiceStatus>().toEqualTypeOf<InvoiceStatus>();
    expectTypeOf<FinanceTypes.FederationReferenceTypes['Invoice']>().toExtend<{ __typename: 'Invoice'; id: string }>();
    expectTypeOf<FinanceTypes.Resolvers>().toEqualTypeOf<FinanceTypes.Resolvers<FinanceContext>>();
  });

  it("service: mapped to the Zendesk records; enums are the connector's unions", () => {
    expectTypeOf<ServiceTypes.ResolversParentTypes['SupportCase']>().toEqualTypeOf<SupportCaseRecord>();
    expectTypeOf<ServiceTypes.ResolversParentTypes['SupportCaseConnection']>().toEqualTypeOf<Connection<SupportCaseRecord>>();
    expectTypeOf<ServiceTypes.CaseStatus>().toEqualTypeOf<CaseStatus>();
    expectTypeOf<ServiceTypes.CasePriority>().toEqualTypeOf<CasePriority>();
    expectTypeOf<ServiceTypes.FederationReferenceTypes['SupportCase']>().toExtend<{ __typename: 'SupportCase'; id: string }>();
    expectTypeOf<ServiceTypes.Resolvers>().toEqualTypeOf<ServiceTypes.Resolvers<ServiceContext>>();
  });
});

describe('the assertions above can fail', () => {
  it('refuses a mapper or an enum that does not match', () => {
    // @ts-expect-error an Order does not resolve from a ShipmentRecord
    expectTypeOf<OrderTypes.ResolversParentTypes['Order']>().toEqualTypeOf<ShipmentRecord>();
    // @ts-expect-error the schema's CaseStatus is not the connector's CasePriority
    expectTypeOf<ServiceTypes.CaseStatus>().toEqualTypeOf<CasePriority>();
    // @ts-expect-error an Invoice reference has no Order typename
    expectTypeOf<FinanceTypes.FederationReferenceTypes['Invoice']>().toExtend<{ __typename: 'Order'; id: string }>();
  });
});
