# Development image of one demo service (app/<SERVICE>: frontend, backend or mcp) with hot reload.
# Not for Kubernetes: it compiles at start and writes dist/ (the chart's pods have a read-only root),
# and keeps TypeScript in the image. Run it with the sources mounted (docker-compose.dev.yml):
#
#   docker-compose -f docker-compose.yml -f docker-compose.dev.yml up --build
#
# At start it compiles once, then `tsc --watch` (the service's own devDependency) recompiles what
# changes and `node --watch` restarts the server when a compiled file changes (Node's watch mode
# follows every module the entry imports, app/shared included). With --incremental the watcher's
# first pass writes nothing the first compile already wrote, so the server does not restart at start.
#
# Build context: app/ (the service and app/shared), like docker/<service>.Dockerfile; app/.dockerignore
# (the three services' sources and app/shared, never .env, node_modules or dist) is the allow-list.
#   docker build -f docker/service.dev.Dockerfile --build-arg SERVICE=backend -t todo-backend:dev app
#
# No secret is a build argument or an ENV: settings come at run time, as for the real images.
ARG NODE_IMAGE=node:20-alpine
FROM ${NODE_IMAGE}
ARG SERVICE=backend
# The port the HEALTHCHECK asks (the service's own default) and its health path (/healthz for the frontend).
ARG SERVICE_PORT=8000
ARG HEALTH_PATH=/health
ENV NODE_ENV=development \
    SERVICE=${SERVICE} \
    SERVICE_PORT=${SERVICE_PORT} \
    HEALTH_PATH=${HEALTH_PATH}
WORKDIR /app/${SERVICE}
# Dependencies first, development ones included (typescript): a source change reuses this layer.
COPY ${SERVICE}/package.json ${SERVICE}/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY ${SERVICE}/ ./
COPY shared ../shared
# dist/ is written at run time by the service's user; the sources stay read-only to it.
RUN mkdir -p dist && chown 10001:10001 dist
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||process.env.MCP_SERVER_PORT||process.env.SERVICE_PORT)+process.env.HEALTH_PATH).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tsc's rootDir is app/, so the entry is dist/<service>/src/server.js; the frontend reads its page
# from ../public beside that file, linked to the (mounted) public/ folder.
CMD ["sh", "-c", "set -e; tsc=node_modules/.bin/tsc; $tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo; if [ -d public ]; then ln -sfn /app/$SERVICE/public dist/$SERVICE/public; fi; $tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo --watch --preserveWatchOutput & exec node --watch dist/$SERVICE/src/server.js"]
