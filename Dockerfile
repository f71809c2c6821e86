# syntax=docker/dockerfile:1
# listing-graph: build with `docker build -t listing-graph .` (README, Container).
# Node 24 LTS; 22 LTS and 20.18+ are supported too (README, Operations).
ARG NODE_VERSION=24-bookworm-slim

# 1. Compile TypeScript to dist/ (with every dependency, dev ones included).
FROM node:${NODE_VERSION} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build` also copies src/sandbox/fixtures/ into dist/: the sandbox reads its seed listing there.
RUN npm run build

# 2. Production dependencies only.
FROM node:${NODE_VERSION} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The image: compiled code, production dependencies, a non-root user, nothing else.
FROM node:${NODE_VERSION}
# MALLOC_ARENA_MAX: glibc gives each thread (PGlite's, liveness, GraphiQL's) arenas of its own that
# it seldom returns; two keep RSS lower and flat (README, Issue 15: memory).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=4000 \
    HEALTH_PORT=9000 \
    SHUTDOWN_DELAY_MS=3000 \
    SHUTDOWN_TIMEOUT_MS=5000
WORKDIR /app
# Owned by root and read-only for the `node` user the process runs as.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 4000 9000
# Liveness on its own listener and thread (README, Health): a burst of queries on port 4000 never
# delays it; it fails when the main thread stops turning. Readiness is /ready on port 4000.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 9000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains once (more SIGTERMs change nothing): /ready turns 503, requests already received
# are answered, then the process exits 0. node is PID 1 and handles the signal itself: no shell,
# no npm in between (either would swallow it or die first).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
