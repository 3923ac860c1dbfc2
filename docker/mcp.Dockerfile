# Demo MCP server image (app/mcp): add/list/complete/delete task tools, Streamable HTTP at /mcp.
#
# Build context: app/, so the service's folder and app/shared (the code the services share, one
# copy) are both in it. Allow-lists keep everything else out: docker/mcp.Dockerfile.dockerignore
# (BuildKit: app/mcp and app/shared only) or app/.dockerignore (legacy builder: the three
# services and app/shared). Either way the image gets only what the COPY lines name.
#   docker build -f docker/mcp.Dockerfile -t todo-mcp:<tag> app
#
# The secret (DATABASE_URL) is a runtime setting that the chart injects from a Kubernetes
# Secret. It is not, and may never become, a build argument: build args are recorded in the
# image history for anyone who can pull the image.
# Works with BuildKit and with the legacy builder (no RUN --mount, no # syntax= line, so an
# offline daemon never needs to pull a Dockerfile frontend).

# Every stage starts from this one image; override it for a mirror or an air-gapped base:
#   --build-arg NODE_IMAGE=registry.example.com/library/node:20-alpine
ARG NODE_IMAGE=node:20-alpine

# ---- build: all dependencies, compile TypeScript, then keep production dependencies only
FROM ${NODE_IMAGE} AS build
# The repository's layout, so the service's ../../shared imports resolve: /build/mcp, /build/shared.
WORKDIR /build/mcp
COPY mcp/package.json mcp/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY mcp/tsconfig.json ./
COPY mcp/src ./src
COPY shared ../shared
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -iname '*.md' \) -exec rm -f {} +

# ---- runtime: node, compiled code, production dependencies. No package-manager call here,
# and nothing the process can write: the chart runs it with readOnlyRootFilesystem.
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="todo-mcp" \
      org.opencontainers.image.description="Todo Chatbot demo MCP server"
# No PORT here: the server reads PORT or MCP_SERVER_PORT (default 8001) and refuses the two
# when they disagree, so an image default must not shadow the chart's MCP_SERVER_PORT.
ENV NODE_ENV=production
WORKDIR /app/mcp
COPY --from=build /build/mcp/package.json ./
COPY --from=build /build/mcp/node_modules ./node_modules
# tsc's rootDir is app/ (the service imports ../../shared), so it writes dist/mcp/src and
# dist/shared; the image keeps the source layout: /app/mcp/dist/server.js next to /app/shared.
COPY --from=build /build/mcp/dist/mcp/src ./dist
COPY --from=build /build/mcp/dist/shared ../shared
COPY shared/package.json ../shared/
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 10001:10001
EXPOSE 8001
# node rather than curl/wget: the runtime image needs no extra tool for its health check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||process.env.MCP_SERVER_PORT||8001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
