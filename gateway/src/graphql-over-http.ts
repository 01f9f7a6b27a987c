/**
 * GraphQL over HTTP at the gateway, as the spec's draft writes it
 * (https://graphql.github.io/graphql-over-http/draft/), on top of what Apollo
 * Server 5 already does: it negotiates `application/json` or
 * `application/graphql-response+json` from Accept, and answers a request error
 * (parse, validation, variable coercion) with 400 whatever the media type.
 *
 * The spec asks 400 only of `application/graphql-response+json`. A client that
 * accepts `application/json`, or states no Accept (the legacy clients), SHOULD
 * get 200 for a well-formed request, its errors in the body: such clients tell
 * a GraphQL error from a broken intermediary by status, and many discard a 4xx
 * body. So this plugin lowers Apollo's 400 to 200 for those media types when
 * the result has no `data` and every error in it is a GraphQL request error
 * (REQUEST_ERROR_CODES). It leaves every other status alone: a request that is
 * not well formed (no `query`, `variables` that are not a map: 400 under both
 * types, as the spec says), statuses that are not about the GraphQL request
 * (401 with its challenge, 403, 429 with Retry-After, 413 for an oversize body,
 * all answered before Apollo's pipeline runs) and those the spec requires
 * whatever the media type (405 for a mutation over GET, 406 when nothing in
 * Accept can be served).
 *
 * It also answers the two requests @apollo/gateway's executor would turn into a
 * 500: an operation it cannot pick (two operations and no `operationName`, or a
 * name the document does not have) and a subscription over HTTP, which the
 * gateway serves over graphql-ws only. Both are the client's to fix.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';
import { ErrorCode } from '../../lib/errors.js';

/**
 * The media types of a single GraphQL result, spelled and ordered as Apollo
 * Server's own negotiation has them (its MEDIA_TYPES), so that negotiating over
 * this list picks what Apollo would: the first wins a tie, and a request with no
 * Accept gets `application/json`.
 */
export const SINGLE_RESULT_MEDIA_TYPES = [
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
  // Apollo's subscription-callback protocol; a kind of application/json.
  'application/json; callbackSpec=1.0; charset=utf-8',
] as const;

/**
 * The codes of GraphQL request errors: the request was well formed, but its
 * document does not parse or validate, its variables do not coerce, no single
 * operation can be picked from it, or the gateway's abuse limits refuse it
 * (a validation of its own).
 */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.QUERY_TOO_COMPLEX,
]);

/** Negotiates over SINGLE_RESULT_MEDIA_TYPES: Express's `req.accepts`, which runs the same `negotiator` as Apollo Server. */
export function negotiateResultType(req: { accepts(types: string[]): string | false }): string | false {
  return req.accepts([...SINGLE_RESULT_MEDIA_TYPES]);
}

/** Whether a response of this media type follows the spec's `application/graphql-response+json` rules. */
export function isGraphQLResponseJson(mediaType: string): boolean {
  return mediaType.split(';')[0]?.trim().toLowerCase() === 'application/graphql-response+json';
}

export interface GraphQLOverHttpOptions {
  /** Whether graphql-ws serves subscriptions on the same path, for what a subscription sent over HTTP is told. @default true */
  subscriptionsOverWebSocket?: boolean;
}

/** What the plugin needs from the request's context: the media type negotiated for its answer. */
export interface NegotiatedContext extends BaseContext {
  /** From `negotiateResultType`; `false` when Accept names nothing the gateway serves; absent outside HTTP. */
  responseMediaType?: string | false;
}

function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : []));
}

/** Apollo's own code for an operation it cannot pick, with the 400 it gives it when it executes the operation itself. */
function operationResolutionError(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const names = operationNames(document);
  const message =
    names.length === 0
      ? 'expected a document with an operation to run, got none'
      : operationName !== undefined
        ? `expected an operationName naming one of the document's operations (${names.join(', ')}), got ${JSON.stringify(operationName)}`
        : `expected an operationName naming one of the document's ${names.length} operations (${names.join(', ')}), got none`;
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } });
}

function subscriptionOverHttpError(overWebSocket: boolean): GraphQLError {
  const message = overWebSocket
    ? 'subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on this same URL; over HTTP expected a query or a mutation, got a subscription'
    : 'this gateway serves no subscriptions; expected a query or a mutation, got a subscription';
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400 } } });
}

/**
 * The plugin. Register it before plugins that refuse in didResolveOperation
 * (the abuse limits), so that an operation the gateway cannot run at all is
 * told so rather than measured.
 */
export function GraphQLOverHttpPlugin<TContext extends NegotiatedContext>(opts: GraphQLOverHttpOptions = {}): ApolloServerPlugin<TContext> {
  const overWebSocket = opts.subscriptionsOverWebSocket ?? true;
  return {
    async requestDidStart() {
      // A subscription refused here is a request error too, though its code (BAD_REQUEST) is not one.
      let refusedSubscription = false;
      return {
        // Apollo calls this when no operation matched too, and would then leave it to the gateway's executor.
        async didResolveOperation({ operation, document, request }) {
          if (!operation) throw operationResolutionError(document, request.operationName);
          if (operation.operation === 'subscription' && request.http) {
            refusedSubscription = true;
            throw subscriptionOverHttpError(overWebSocket);
          }
        },

        async willSendResponse({ response, contextValue }) {
          const mediaType = contextValue.responseMediaType;
          // Incremental delivery (multipart) and an unacceptable Accept (Apollo answers 406) are Apollo's to answer.
          if (response.body.kind !== 'single' || !mediaType) return;
          // Pin the type this status was decided for; Apollo negotiates only when none is set.
          if (!response.http.headers.get('content-type')) response.http.headers.set('content-type', mediaType);
          const { data, errors = [] } = response.body.singleResult;
          const requestError = refusedSubscription || (errors.length > 0 && errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code))));
          if (response.http.status === 400 && data === undefined && requestError && !isGraphQLResponseJson(mediaType)) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}
