# Demo backend image (app/backend): health, readiness and /api/todos on PostgreSQL.
#
# Build context: app/, so the service's folder and app/shared (the code the services share, one
# copy) are both in it. Allow-lists keep everything else out: docker/backend.Dockerfile.dockerignore
# (BuildKit: app/backend and app/shared only) or app/.dockerignore (legacy builder: the three
# services and app/shared). Either way the image gets only what the COPY lines name.
#   docker build -f docker/backend.Dockerfile -t todo-backend:<tag> app
#
# Secrets (DATABASE_URL, BETTER_AUTH_SECRET, OPENAI_API_KEY) are runtime settings that the chart
# injects from a Kubernetes Secret. None is, or may ever become, a build argument: build args
# are recorded in the image history for anyone who can pull the image.
# Works with BuildKit and with the legacy builder (no RUN --mount, no # syntax= line, so an
# offline daemon never needs to pull a Dockerfile frontend).

# Every stage starts from this one image; override it for a mirror or an air-gapped base:
#   --build-arg NODE_IMAGE=registry.example.com/library/node:20-alpine
ARG NODE_IMAGE=node:20-alpine

# ---- build: all dependencies, compile TypeScript, then keep production dependencies only
FROM ${NODE_IMAGE} AS build
# The repository's layout, so the service's ../../shared imports resolve: /build/backend, /build/shared.
WORKDIR /build/backend
COPY backend/package.json backend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY backend/tsconfig.json ./
COPY backend/src ./src
COPY shared ../shared
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -iname '*.md' \) -exec rm -f {} +

# ---- runtime: node, compiled code, production dependencies. No package-manager call here,
# and nothing the process can write: the chart runs it with readOnlyRootFilesystem.
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="todo-backend" \
      org.opencontainers.image.description="Todo Chatbot demo backend"
ENV NODE_ENV=production \
    PORT=8000
WORKDIR /app/backend
COPY --from=build /build/backend/package.json ./
COPY --from=build /build/backend/node_modules ./node_modules
# tsc's rootDir is app/ (the service imports ../../shared), so it writes dist/backend/src and
# dist/shared; the image keeps the source layout: /app/backend/dist/server.js next to /app/shared.
COPY --from=build /build/backend/dist/backend/src ./dist
COPY --from=build /build/backend/dist/shared ../shared
COPY shared/package.json ../shared/
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 10001:10001
EXPOSE 8000
# node rather than curl/wget: the runtime image needs no extra tool for its health check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
