# Demo backend image (app/backend): health, readiness and /api/todos on PostgreSQL.
#
# Build context: the service folder, app/backend (its .dockerignore is an allow-list).
#   docker build -f docker/backend.Dockerfile -t todo-backend:<tag> app/backend
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
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY tsconfig.json ./
COPY src ./src
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
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 10001:10001
EXPOSE 8000
# node rather than curl/wget: the runtime image needs no extra tool for its health check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
