/**
 * Every operation the console sends. `npm run codegen` types them (the client
 * preset writes ./__generated__/), so a field the graph renames fails the build.
 */
import { graphql } from './__generated__/gql';

export const FindCustomers = graphql(`
  query ConsoleFindCustomers($filter: CustomerFilter, $first: Int = 10) {
    customers(filter: $filter, first: $first) {
      nodes {
        id
        name
        email
        phone
      }
    }
  }
`);

/** How fresh a part is (docs/caching.md): each part of the 360 shows it. */
export const FreshnessFields = graphql(`
  fragment ConsoleFreshness on Freshness {
    source
    fetchedAt
    stale
  }
`);

export const MoneyFields = graphql(`
  fragment ConsoleMoney on Money {
    amount
    currency
  }
`);

/** What the console shows of an order: in the 360, and again with each live status change. */
export const OrderFields = graphql(`
  fragment ConsoleOrder on Order {
    id
    status
    channel
    placedAt
    total {
      ...ConsoleMoney
    }
    lines {
      lineNumber
      sku
      description
      quantity
      quantityShipped
    }
    shipments {
      id
      carrier
      trackingNumber
      status
    }
    invoices {
      id
      status
      amountDue {
        ...ConsoleMoney
      }
    }
  }
`);

export const CustomerById = graphql(`
  query ConsoleCustomerById($id: ID!) {
    customer(id: $id) {
      id
      name
      email
      phone
    }
  }
`);

export const Customer360 = graphql(`
  query ConsoleCustomer360($id: ID!) {
    customer(id: $id) {
      id
      name
      email
      phone
      segment
      loyalty {
        tier
        points
      }
      freshness {
        ...ConsoleFreshness
      }
      financials {
        balance {
          ...ConsoleMoney
        }
        overdueBalance {
          ...ConsoleMoney
        }
        creditLimit {
          ...ConsoleMoney
        }
        creditHold
        paymentTerms
        freshness {
          ...ConsoleFreshness
        }
      }
      orders(first: 10) {
        freshness {
          ...ConsoleFreshness
        }
        nodes {
          ...ConsoleOrder
        }
      }
      cases(first: 10) {
        freshness {
          ...ConsoleFreshness
        }
        nodes {
          id
          subject
          status
          priority
          updatedAt
          order {
            id
          }
        }
      }
    }
  }
`);

export const OrderStatusChanged = graphql(`
  subscription ConsoleOrderStatusChanged($customerId: ID!) {
    orderStatusChanged(customerId: $customerId) {
      eventId
      status
      order {
        ...ConsoleOrder
      }
    }
  }
`);

export const InvoiceStatusChanged = graphql(`
  subscription ConsoleInvoiceStatusChanged($customerId: ID!) {
    invoiceStatusChanged(customerId: $customerId) {
      eventId
      status
      invoice {
        id
        status
        amountDue {
          ...ConsoleMoney
        }
      }
    }
  }
`);

export const CaseUpdated = graphql(`
  subscription ConsoleCaseUpdated($customerId: ID!) {
    caseUpdated(customerId: $customerId) {
      eventId
      status
      case {
        id
        status
      }
    }
  }
`);

export const OpenCase = graphql(`
  mutation ConsoleOpenCase($input: OpenCaseInput!, $idempotencyKey: String!) {
    openCase(input: $input, idempotencyKey: $idempotencyKey) {
      status
      writeId
      supportCase {
        id
        subject
        status
      }
    }
  }
`);

export const AddCaseComment = graphql(`
  mutation ConsoleAddCaseComment($caseId: ID!, $body: String!, $idempotencyKey: String) {
    addCaseComment(caseId: $caseId, body: $body, idempotencyKey: $idempotencyKey) {
      status
      writeId
    }
  }
`);

export const PlaceOrder = graphql(`
  mutation ConsolePlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String!) {
    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {
      status
      writeId
      order {
        id
        status
      }
    }
  }
`);

/** A write's outcome as the write-settled subscriptions push it (docs/writes.md). */
export const WriteOutcomeFields = graphql(`
  fragment ConsoleWriteOutcome on WriteOutcome {
    writeId
    status
    attempts
    lastError {
      code
      message
    }
  }
`);

export const ServiceWriteSettled = graphql(`
  subscription ConsoleServiceWriteSettled($writeId: ID!) {
    serviceWriteSettled(writeId: $writeId) {
      ...ConsoleWriteOutcome
    }
  }
`);

export const OrderWriteSettled = graphql(`
  subscription ConsoleOrderWriteSettled($writeId: ID!) {
    orderWriteSettled(writeId: $writeId) {
      ...ConsoleWriteOutcome
    }
  }
`);
