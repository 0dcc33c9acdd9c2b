# syntax=docker/dockerfile:1
# One image for every Sluice component: `docker run IMAGE run <component>` (see docs/operations.md).
#   docker build -t sluice:0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
ARG NODE_IMAGE=node:22.22.0-bookworm-slim

# Compiles TypeScript to dist/ (with source maps); needs the devDependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY cli ./cli
COPY schemas ./schemas
COPY producers ./producers
COPY processors ./processors
COPY sinks ./sinks
COPY api ./api
RUN npm run build

# Production dependencies only (patch-package applies patches/ on install).
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="sluice" \
      org.opencontainers.image.description="Stream ingestion on Apache Kafka: telemetry and price lists into PostgreSQL and ClickHouse" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# tini as PID 1: forwards SIGTERM to Node and reaps the gateway's worker processes. jemalloc, preloaded
# into every process (LD_PRELOAD below), returns what a burst freed (lib/memory.ts memoryEnv).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini libjemalloc2 \
 && ln -s "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2)" /usr/local/lib/libjemalloc.so.2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS="--enable-source-maps --max-semi-space-size=64 --expose-gc" \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    API_HOST=0.0.0.0 \
    HTTP_GATEWAY_HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0 \
    OPS_PORT=9464
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY deploy/docker/sluice /usr/local/bin/sluice
USER node
EXPOSE 8080 8090 9464
# Ready means the process's components can work (/readyz on OPS_PORT, served by every `sluice run`).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.OPS_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "sluice"]
CMD ["run", "api"]
