# syntax=docker/dockerfile:1
#
# Switchyard in a container. Build:   docker build -t switchyard .
# Run (SQLite in a volume):           docker run -p 8080:8080 -v switchyard-data:/data switchyard
# Several instances: set DATABASE_URL (PostgreSQL) and REDIS_URL; see docs/operations.md.

# ---- build: native modules (sqlite3, isolated-vm) need a compiler and Python ----
FROM node:20-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV CI=true
COPY . .
# npm ci also builds the web console and the compiled server (root postinstall: npm run build);
# then drop what only builds and tests need.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf test/bench test/e2e docs/screenshots

# ---- runtime: no compiler, unprivileged user ----
FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    SWITCHYARD_DATA_DIR=/data \
    SWITCHYARD_SHUTDOWN_GRACE_MS=25000
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The image's `node` user (uid 1000) owns only the data directory; the code stays read-only to it.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Orchestrators send SIGTERM: the server stops accepting, lets streams finish (grace above), then exits.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node directly (not npm) so the signal reaches the server; the compiled build (built by npm ci's
# postinstall) with the flags of server/src/cli/node-flags.mjs (COMPILED_FLAGS).
ENTRYPOINT ["node", "--no-node-snapshot", "--max-semi-space-size=16", "--heap-growing-percent=25", "--no-allocation-site-pretenuring", "--conditions=switchyard-compiled"]
CMD ["server/dist/main.js"]
# The CLI in the same image: docker run --rm switchyard server/dist/cli.js keys list
