# agentry server image: `docker build -t agentry .`
#
#   docker run --read-only --tmpfs /tmp -v agentry-data:/data -p 8080:8080 agentry
#
# - Node 24 on Debian slim; the server runs as one bundled JavaScript file (dist/server/agentry.js, made in
#   the server stage), with no type-checking compile step.
# - Runs as the unprivileged `node` user (uid 1000). The only directory it writes is /data (the SQLite
#   database and its WAL), a volume; the root filesystem can be mounted read-only (--read-only, or
#   readOnlyRootFilesystem in Kubernetes). /tmp as a tmpfs is optional: the server does not write there.
# - SIGTERM (docker stop, Kubernetes) starts a graceful shutdown: no new connections, in-flight requests
#   finish (up to server.shutdownTimeoutMs), long polls answer, queued ingestion batches are written,
#   then the database and NATS connections close.
# - With Postgres and NATS, set DATABASE_URL and NATS_URL (deploy/compose.yaml, deploy/k8s/).
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: the exact locked dependencies (with patches applied), then the dev ones removed.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Console stage: the web console's static files (Vite build of src/console into dist/console), made with the
# full dependencies; only its output reaches the runtime image.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY generated ./generated
COPY src/console ./src/console
COPY scripts/build-console.ts scripts/build-freshness.ts ./scripts/
RUN node scripts/build-console.ts --force

# Server stage: the server built into one JavaScript file (scripts/build-server.ts: ~55 MiB less RSS than
# running the TypeScript sources, README, Memory), made with the full dependencies; only its output is copied.
FROM ${NODE_IMAGE} AS server
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY generated ./generated
COPY src ./src
COPY scripts/build-server.ts scripts/build-freshness.ts ./scripts/
RUN node scripts/build-server.ts --force

# Runtime stage: the server build, sources (the SQLite checkpoint worker, and `bin/agentry.js` for the CLI), the bundled contract, migrations, the console build and production dependencies only.
FROM ${NODE_IMAGE} AS runtime
# Two malloc arenas instead of one per thread (README, Memory).
ENV NODE_ENV=production \
    DATABASE_URL=sqlite:/data/agentry.db \
    PORT=8080 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY generated ./generated
COPY drizzle ./drizzle
COPY configs ./configs
COPY --from=console /app/dist/console ./dist/console
COPY --from=server /app/dist/server ./dist/server
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Liveness only (the process serves HTTP); readiness (/healthz/ready) is for load balancers. Plain HTTP:
# with server.tlsCertFile set, probe from outside instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8080}/healthz/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# The young-generation bound of scripts/start (README, Memory): a shebang's flags do not apply under `node`.
ENTRYPOINT ["node", "--max-semi-space-size=16", "dist/server/agentry.js"]
CMD ["serve"]
