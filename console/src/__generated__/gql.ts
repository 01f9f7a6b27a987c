/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleFindCustomers($filter: CustomerFilter, $first: Int = 10) {\n    customers(filter: $filter, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n      }\n    }\n  }\n": typeof types.ConsoleFindCustomersDocument,
    "\n  fragment ConsoleFreshness on Freshness {\n    source\n    fetchedAt\n    stale\n  }\n": typeof types.ConsoleFreshnessFragmentDoc,
    "\n  fragment ConsoleMoney on Money {\n    amount\n    currency\n  }\n": typeof types.ConsoleMoneyFragmentDoc,
    "\n  fragment ConsoleOrder on Order {\n    id\n    status\n    channel\n    placedAt\n    total {\n      ...ConsoleMoney\n    }\n    lines {\n      lineNumber\n      sku\n      description\n      quantity\n      quantityShipped\n    }\n    shipments {\n      id\n      carrier\n      trackingNumber\n      status\n    }\n    invoices {\n      id\n      status\n      amountDue {\n        ...ConsoleMoney\n      }\n    }\n  }\n": typeof types.ConsoleOrderFragmentDoc,
    "\n  query ConsoleCustomerById($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n    }\n  }\n": typeof types.ConsoleCustomerByIdDocument,
    "\n  query ConsoleCustomer360($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      segment\n      loyalty {\n        tier\n        points\n      }\n      freshness {\n        ...ConsoleFreshness\n      }\n      financials {\n        balance {\n          ...ConsoleMoney\n        }\n        overdueBalance {\n          ...ConsoleMoney\n        }\n        creditLimit {\n          ...ConsoleMoney\n        }\n        creditHold\n        paymentTerms\n        freshness {\n          ...ConsoleFreshness\n        }\n      }\n      orders(first: 10) {\n        freshness {\n          ...ConsoleFreshness\n        }\n        nodes {\n          ...ConsoleOrder\n        }\n      }\n      cases(first: 10) {\n        freshness {\n          ...ConsoleFreshness\n        }\n        nodes {\n          id\n          subject\n          status\n          priority\n          updatedAt\n          order {\n            id\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleCustomer360Document,
    "\n  subscription ConsoleOrderStatusChanged($customerId: ID!) {\n    orderStatusChanged(customerId: $customerId) {\n      eventId\n      status\n      order {\n        ...ConsoleOrder\n      }\n    }\n  }\n": typeof types.ConsoleOrderStatusChangedDocument,
    "\n  subscription ConsoleInvoiceStatusChanged($customerId: ID!) {\n    invoiceStatusChanged(customerId: $customerId) {\n      eventId\n      status\n      invoice {\n        id\n        status\n        amountDue {\n          ...ConsoleMoney\n        }\n      }\n    }\n  }\n": typeof types.ConsoleInvoiceStatusChangedDocument,
    "\n  subscription ConsoleCaseUpdated($customerId: ID!) {\n    caseUpdated(customerId: $customerId) {\n      eventId\n      status\n      case {\n        id\n        status\n      }\n    }\n  }\n": typeof types.ConsoleCaseUpdatedDocument,
    "\n  mutation ConsoleOpenCase($input: OpenCaseInput!, $idempotencyKey: String!) {\n    openCase(input: $input, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n      supportCase {\n        id\n        subject\n        status\n      }\n    }\n  }\n": typeof types.ConsoleOpenCaseDocument,
    "\n  mutation ConsoleAddCaseComment($caseId: ID!, $body: String!, $idempotencyKey: String) {\n    addCaseComment(caseId: $caseId, body: $body, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n    }\n  }\n": typeof types.ConsoleAddCaseCommentDocument,
    "\n  mutation ConsolePlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String!) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n      order {\n        id\n        status\n      }\n    }\n  }\n": typeof types.ConsolePlaceOrderDocument,
    "\n  fragment ConsoleWriteOutcome on WriteOutcome {\n    writeId\n    status\n    attempts\n    lastError {\n      code\n      message\n    }\n  }\n": typeof types.ConsoleWriteOutcomeFragmentDoc,
    "\n  subscription ConsoleServiceWriteSettled($writeId: ID!) {\n    serviceWriteSettled(writeId: $writeId) {\n      ...ConsoleWriteOutcome\n    }\n  }\n": typeof types.ConsoleServiceWriteSettledDocument,
    "\n  subscription ConsoleOrderWriteSettled($writeId: ID!) {\n    orderWriteSettled(writeId: $writeId) {\n      ...ConsoleWriteOutcome\n    }\n  }\n": typeof types.ConsoleOrderWriteSettledDocument,
};
const documents: Documents = {
    "\n  query ConsoleFindCustomers($filter: CustomerFilter, $first: Int = 10) {\n    customers(filter: $filter, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n      }\n    }\n  }\n": types.ConsoleFindCustomersDocument,
    "\n  fragment ConsoleFreshness on Freshness {\n    source\n    fetchedAt\n    stale\n  }\n": types.ConsoleFreshnessFragmentDoc,
    "\n  fragment ConsoleMoney on Money {\n    amount\n    currency\n  }\n": types.ConsoleMoneyFragmentDoc,
    "\n  fragment ConsoleOrder on Order {\n    id\n    status\n    channel\n    placedAt\n    total {\n      ...ConsoleMoney\n    }\n    lines {\n      lineNumber\n      sku\n      description\n      quantity\n      quantityShipped\n    }\n    shipments {\n      id\n      carrier\n      trackingNumber\n      status\n    }\n    invoices {\n      id\n      status\n      amountDue {\n        ...ConsoleMoney\n      }\n    }\n  }\n": types.ConsoleOrderFragmentDoc,
    "\n  query ConsoleCustomerById($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n    }\n  }\n": types.ConsoleCustomerByIdDocument,
    "\n  query ConsoleCustomer360($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      segment\n      loyalty {\n        tier\n        points\n      }\n      freshness {\n        ...ConsoleFreshness\n      }\n      financials {\n        balance {\n          ...ConsoleMoney\n        }\n        overdueBalance {\n          ...ConsoleMoney\n        }\n        creditLimit {\n          ...ConsoleMoney\n        }\n        creditHold\n        paymentTerms\n        freshness {\n          ...ConsoleFreshness\n        }\n      }\n      orders(first: 10) {\n        freshness {\n          ...ConsoleFreshness\n        }\n        nodes {\n          ...ConsoleOrder\n        }\n      }\n      cases(first: 10) {\n        freshness {\n          ...ConsoleFreshness\n        }\n        nodes {\n          id\n          subject\n          status\n          priority\n          updatedAt\n          order {\n            id\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleCustomer360Document,
    "\n  subscription ConsoleOrderStatusChanged($customerId: ID!) {\n    orderStatusChanged(customerId: $customerId) {\n      eventId\n      status\n      order {\n        ...ConsoleOrder\n      }\n    }\n  }\n": types.ConsoleOrderStatusChangedDocument,
    "\n  subscription ConsoleInvoiceStatusChanged($customerId: ID!) {\n    invoiceStatusChanged(customerId: $customerId) {\n      eventId\n      status\n      invoice {\n        id\n        status\n        amountDue {\n          ...ConsoleMoney\n        }\n      }\n    }\n  }\n": types.ConsoleInvoiceStatusChangedDocument,
    "\n  subscription ConsoleCaseUpdated($customerId: ID!) {\n    caseUpdated(customerId: $customerId) {\n      eventId\n      status\n      case {\n        id\n        status\n      }\n    }\n  }\n": types.ConsoleCaseUpdatedDocument,
    "\n  mutation ConsoleOpenCase($input: OpenCaseInput!, $idempotencyKey: String!) {\n    openCase(input: $input, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n      supportCase {\n        id\n        subject\n        status\n      }\n    }\n  }\n": types.ConsoleOpenCaseDocument,
    "\n  mutation ConsoleAddCaseComment($caseId: ID!, $body: String!, $idempotencyKey: String) {\n    addCaseComment(caseId: $caseId, body: $body, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n    }\n  }\n": types.ConsoleAddCaseCommentDocument,
    "\n  mutation ConsolePlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String!) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n      order {\n        id\n        status\n      }\n    }\n  }\n": types.ConsolePlaceOrderDocument,
    "\n  fragment ConsoleWriteOutcome on WriteOutcome {\n    writeId\n    status\n    attempts\n    lastError {\n      code\n      message\n    }\n  }\n": types.ConsoleWriteOutcomeFragmentDoc,
    "\n  subscription ConsoleServiceWriteSettled($writeId: ID!) {\n    serviceWriteSettled(writeId: $writeId) {\n      ...ConsoleWriteOutcome\n    }\n  }\n": types.ConsoleServiceWriteSettledDocument,
    "\n  subscription ConsoleOrderWriteSettled($writeId: ID!) {\n    orderWriteSettled(writeId: $writeId) {\n      ...ConsoleWriteOutcome\n    }\n  }\n": types.ConsoleOrderWriteSettledDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleFindCustomers($filter: CustomerFilter, $first: Int = 10) {\n    customers(filter: $filter, first: $first) {\n      nodes {\n        id\n        name\n        email\n        phone\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleFindCustomersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleFreshness on Freshness {\n    source\n    fetchedAt\n    stale\n  }\n"): typeof import('./graphql').ConsoleFreshnessFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleMoney on Money {\n    amount\n    currency\n  }\n"): typeof import('./graphql').ConsoleMoneyFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleOrder on Order {\n    id\n    status\n    channel\n    placedAt\n    total {\n      ...ConsoleMoney\n    }\n    lines {\n      lineNumber\n      sku\n      description\n      quantity\n      quantityShipped\n    }\n    shipments {\n      id\n      carrier\n      trackingNumber\n      status\n    }\n    invoices {\n      id\n      status\n      amountDue {\n        ...ConsoleMoney\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleOrderFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleCustomerById($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n    }\n  }\n"): typeof import('./graphql').ConsoleCustomerByIdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleCustomer360($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      segment\n      loyalty {\n        tier\n        points\n      }\n      freshness {\n        ...ConsoleFreshness\n      }\n      financials {\n        balance {\n          ...ConsoleMoney\n        }\n        overdueBalance {\n          ...ConsoleMoney\n        }\n        creditLimit {\n          ...ConsoleMoney\n        }\n        creditHold\n        paymentTerms\n        freshness {\n          ...ConsoleFreshness\n        }\n      }\n      orders(first: 10) {\n        freshness {\n          ...ConsoleFreshness\n        }\n        nodes {\n          ...ConsoleOrder\n        }\n      }\n      cases(first: 10) {\n        freshness {\n          ...ConsoleFreshness\n        }\n        nodes {\n          id\n          subject\n          status\n          priority\n          updatedAt\n          order {\n            id\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleCustomer360Document;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleOrderStatusChanged($customerId: ID!) {\n    orderStatusChanged(customerId: $customerId) {\n      eventId\n      status\n      order {\n        ...ConsoleOrder\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleOrderStatusChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleInvoiceStatusChanged($customerId: ID!) {\n    invoiceStatusChanged(customerId: $customerId) {\n      eventId\n      status\n      invoice {\n        id\n        status\n        amountDue {\n          ...ConsoleMoney\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleInvoiceStatusChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleCaseUpdated($customerId: ID!) {\n    caseUpdated(customerId: $customerId) {\n      eventId\n      status\n      case {\n        id\n        status\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleCaseUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleOpenCase($input: OpenCaseInput!, $idempotencyKey: String!) {\n    openCase(input: $input, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n      supportCase {\n        id\n        subject\n        status\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleOpenCaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAddCaseComment($caseId: ID!, $body: String!, $idempotencyKey: String) {\n    addCaseComment(caseId: $caseId, body: $body, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n    }\n  }\n"): typeof import('./graphql').ConsoleAddCaseCommentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsolePlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String!) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      status\n      writeId\n      order {\n        id\n        status\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePlaceOrderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleWriteOutcome on WriteOutcome {\n    writeId\n    status\n    attempts\n    lastError {\n      code\n      message\n    }\n  }\n"): typeof import('./graphql').ConsoleWriteOutcomeFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleServiceWriteSettled($writeId: ID!) {\n    serviceWriteSettled(writeId: $writeId) {\n      ...ConsoleWriteOutcome\n    }\n  }\n"): typeof import('./graphql').ConsoleServiceWriteSettledDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleOrderWriteSettled($writeId: ID!) {\n    orderWriteSettled(writeId: $writeId) {\n      ...ConsoleWriteOutcome\n    }\n  }\n"): typeof import('./graphql').ConsoleOrderWriteSettledDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
