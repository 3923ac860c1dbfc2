# Demo frontend image (app/frontend): the todo page, /api/* proxied to the backend, /healthz.
#
# Build context: app/, so the service's folder and app/shared (the code the services share, one
# copy) are both in it. Allow-lists keep everything else out: docker/frontend.Dockerfile.dockerignore
# (BuildKit: app/frontend and app/shared only) or app/.dockerignore (legacy builder: the three
# services and app/shared). Either way the image gets only what the COPY lines name.
#   docker build -f docker/frontend.Dockerfile -t todo-frontend:<tag> \
#     --build-arg NEXT_PUBLIC_APP_URL=http://localhost:30080 app
#
# Only public values may be build arguments (NEXT_PUBLIC_* are shown to every browser). Secrets
# such as BETTER_AUTH_SECRET are runtime settings from a Kubernetes Secret: build args are
# recorded in the image history for anyone who can pull the image.
# Works with BuildKit and with the legacy builder (no RUN --mount, no # syntax= line, so an
# offline daemon never needs to pull a Dockerfile frontend).

# Every stage starts from this one image; override it for a mirror or an air-gapped base:
#   --build-arg NODE_IMAGE=registry.example.com/library/node:20-alpine
ARG NODE_IMAGE=node:20-alpine

# ---- build: the TypeScript compiler is the only dependency, and only here
FROM ${NODE_IMAGE} AS build
# The repository's layout, so the service's ../../shared imports resolve: /build/frontend, /build/shared.
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY frontend/tsconfig.json ./
COPY frontend/src ./src
COPY shared ../shared
RUN npm run build

# ---- runtime: node, compiled server, static page. No node_modules at all, no package-manager
# call, nothing the process writes (the chart runs it with readOnlyRootFilesystem).
FROM ${NODE_IMAGE}
# Public URLs, baked in as defaults the way a Next.js build inlines NEXT_PUBLIC_*; the
# container's environment still overrides them at run time.
ARG NEXT_PUBLIC_API_URL=
ARG NEXT_PUBLIC_APP_URL=
LABEL org.opencontainers.image.title="todo-frontend" \
      org.opencontainers.image.description="Todo Chatbot demo frontend"
ENV NODE_ENV=production \
    PORT=3000 \
    NEXT_PUBLIC_API_URL=${NEXT_PUBLIC_API_URL} \
    NEXT_PUBLIC_APP_URL=${NEXT_PUBLIC_APP_URL}
WORKDIR /app/frontend
COPY --from=build /build/frontend/package.json ./
COPY frontend/public ./public
# tsc's rootDir is app/ (the service imports ../../shared), so it writes dist/frontend/src and
# dist/shared; the image keeps the source layout: /app/frontend/dist/server.js next to /app/shared.
COPY --from=build /build/frontend/dist/frontend/src ./dist
COPY --from=build /build/frontend/dist/shared ../shared
COPY shared/package.json ../shared/
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 10001:10001
EXPOSE 3000
# node rather than curl/wget: the runtime image needs no extra tool for its health check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
