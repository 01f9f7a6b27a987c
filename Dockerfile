# syntax=docker/dockerfile:1
# One image for every part of the graph: the gateway (default), each subgraph of
# config/subgraphs.json, and the sandbox systems of record for demos. The part is
# the command's argument or RSG_ROLE: `docker run IMAGE order`. docs/operations.md.

# ---- build: every dependency, then `npm run build` (tsc to dist/, schemas beside their modules)
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib lib
COPY gateway gateway
COPY subgraphs subgraphs
COPY sandbox sandbox
COPY scripts scripts
COPY config config
COPY supergraph.graphql ./
RUN npm run build

# ---- runtime: production dependencies only, dist/ and the files it reads from the project root
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY config config
COPY supergraph.graphql ./
# The trusted-documents manifests the gateway holds storefront callers to (TRUSTED_DOCUMENTS_DIR).
COPY trusted-documents trusted-documents
COPY deploy/docker/entrypoint.sh deploy/docker/entrypoint.sh
# Runtime data (.data/: the write journal and feed state without Redis; .dev/: the demo's identity) belongs to the user that runs.
RUN mkdir -p .data .dev && chown node:node .data .dev
USER node
# Listen on every interface inside the container; the ports stay the manifest's.
ENV GATEWAY_HOST=0.0.0.0 \
    CUSTOMER_SUBGRAPH_HOST=0.0.0.0 \
    ORDER_SUBGRAPH_HOST=0.0.0.0 \
    FINANCE_SUBGRAPH_HOST=0.0.0.0 \
    SERVICE_SUBGRAPH_HOST=0.0.0.0 \
    SANDBOX_HOST=0.0.0.0
EXPOSE 4000 4001 4002 4003 4004
# Readiness of the part this container runs (/health/ready; 503 while draining or without Redis).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["/app/deploy/docker/entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["gateway"]
