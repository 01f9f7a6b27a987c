/**
 * Generated code is checked in so that clients and resolvers can use it without
 * a build step; this fails when it no longer matches the schemas and operations.
 *
 * The type assertions below are checked by `tsc` (part of `npm test`), not at run
 * time: they pin the mappers in codegen.ts to the records the connectors return,
 * and the schema's enums to the connectors' string unions, so that a drift on
 * either side is a compile error naming the type.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';
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

const resolverTypesFile = (subgraph: string): string => `subgraphs/${subgraph}/src/__generated__/resolvers-types.ts`;

describe('generated code', () => {
  it('is what `npm run codegen` produces (run `npm run codegen` and commit if this fails)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) {
      const committed = existsSync(out.filename) ? readFileSync(out.filename, 'utf8') : '<missing>';
      // A boolean keeps the failure short: the message says what to run.
      expect(committed === out.content, `${out.filename} is stale: run \`npm run codegen\` and commit`).toBe(true);
    }
  }, 120_000);

  it('has resolver types for every subgraph in subgraphs/ (add the new one to subgraphTypes in codegen.ts)', () => {
    const outputs = Object.keys(config.generates).map((f) => relative(process.cwd(), resolve(f)));
    const subgraphs = readdirSync('subgraphs', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(subgraphs.length).toBeGreaterThan(0);
    for (const name of subgraphs) {
      expect(outputs, `codegen.ts generates no resolver types for subgraphs/${name}`).toContain(resolverTypesFile(name));
    }
  });
});

// expectTypeOf does nothing at run time; `tsc` (the typecheck step of `npm test`) fails on a mismatch.
describe('subgraph resolver types (checked by tsc)', () => {
  it("customer: Customer resolves from CustomerParent; enums are the connector's unions", () => {
    expectTypeOf<CustomerTypes.ResolversParentTypes['Customer']>().toEqualTypeOf<CustomerParent>();
    expectTypeOf<CustomerTypes.CustomerSegment>().toEqualTypeOf<CustomerSegment>();
    expectTypeOf<CustomerTypes.LoyaltyTier>().toEqualTypeOf<LoyaltyTier>();
    expectTypeOf<CustomerTypes.SystemOfRecord>().toEqualTypeOf<SystemOfRecord>();
    expectTypeOf<CustomerTypes.ResolversParentTypes['Freshness']>().toEqualTypeOf<Freshness>();
    // Federation: the reference a gateway sends is the typename and the @key fields.
    expectTypeOf<CustomerTypes.FederationReferenceTypes['Customer']>().toMatchTypeOf<{ __typename: 'Customer'; id: string }>();
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
    expectTypeOf<OrderTypes.FederationReferenceTypes['Order']>().toMatchTypeOf<{ __typename: 'Order'; id: string }>();
    expectTypeOf<OrderTypes.Resolvers>().toEqualTypeOf<OrderTypes.Resolvers<OrderContext>>();
  });

  it("finance: mapped to the NetSuite records; InvoiceStatus is the connector's union", () => {
    expectTypeOf<FinanceTypes.ResolversParentTypes['Invoice']>().toEqualTypeOf<InvoiceRecord>();
    expectTypeOf<FinanceTypes.ResolversParentTypes['Payment']>().toEqualTypeOf<PaymentRecord>();
    expectTypeOf<FinanceTypes.ResolversParentTypes['CustomerFinancials']>().toEqualTypeOf<FinancialsRecord>();
    expectTypeOf<FinanceTypes.ResolversParentTypes['InvoiceConnection']>().toEqualTypeOf<Connection<InvoiceRecord>>();
    expectTypeOf<FinanceTypes.InvoiceStatus>().toEqualTypeOf<InvoiceStatus>();
    expectTypeOf<FinanceTypes.FederationReferenceTypes['Invoice']>().toMatchTypeOf<{ __typename: 'Invoice'; id: string }>();
    expectTypeOf<FinanceTypes.Resolvers>().toEqualTypeOf<FinanceTypes.Resolvers<FinanceContext>>();
  });

  it("service: mapped to the Zendesk records; enums are the connector's unions", () => {
    expectTypeOf<ServiceTypes.ResolversParentTypes['SupportCase']>().toEqualTypeOf<SupportCaseRecord>();
    expectTypeOf<ServiceTypes.ResolversParentTypes['SupportCaseConnection']>().toEqualTypeOf<Connection<SupportCaseRecord>>();
    expectTypeOf<ServiceTypes.CaseStatus>().toEqualTypeOf<CaseStatus>();
    expectTypeOf<ServiceTypes.CasePriority>().toEqualTypeOf<CasePriority>();
    expectTypeOf<ServiceTypes.FederationReferenceTypes['SupportCase']>().toMatchTypeOf<{ __typename: 'SupportCase'; id: string }>();
    expectTypeOf<ServiceTypes.Resolvers>().toEqualTypeOf<ServiceTypes.Resolvers<ServiceContext>>();
  });
});
