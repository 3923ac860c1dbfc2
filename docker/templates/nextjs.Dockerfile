# Template: the Next.js frontend of your own Todo AI Chatbot (Phase III), for the runbooks.
#
# Build context: your frontend folder (APP_FRONTEND_DIR). In .env:
#   APP_FRONTEND_DIR=../todo-chatbot/frontend
#   FRONTEND_DOCKERFILE=docker/templates/nextjs.Dockerfile
#
# next.config.(js|mjs|ts) must set   output: 'standalone'   (the build stage checks for it):
# Next.js then traces the files the server needs into .next/standalone, and the runtime stage
# ships only those instead of the whole node_modules.
#
# NEXT_PUBLIC_* values are inlined into the browser bundle at build time, so they are build
# arguments here. They are public by definition (every visitor can read them). Server-side
# secrets (BETTER_AUTH_SECRET, DATABASE_URL, OPENAI_API_KEY) are runtime settings from the
# chart's Secret: never pass one as --build-arg, and keep them out of .env* files in the
# build context (the .dockerignore next to this template excludes those).
#   docker build -f docker/templates/nextjs.Dockerfile -t todo-frontend:dev \
#     --build-arg NEXT_PUBLIC_API_URL=http://localhost:30081 \
#     --build-arg NEXT_PUBLIC_APP_URL=http://localhost:30080 ../todo-chatbot/frontend

ARG NODE_IMAGE=node:20-alpine

# ---- deps: install exactly what the lockfile says
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json* pnpm-lock.yaml* yarn.lock* ./
RUN if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
    elif [ -f pnpm-lock.yaml ]; then corepack enable pnpm && pnpm install --frozen-lockfile; \
    elif [ -f yarn.lock ]; then corepack enable yarn && yarn install --frozen-lockfile; \
    else echo "no lockfile in the build context: commit package-lock.json so builds are reproducible" >&2; exit 1; fi

# ---- dev (only with --target dev): `next dev` with hot reload, for working without a cluster.
# Mount the source folders you edit (app/, src/, components/, public/ …, never node_modules or
# .next) so every save reaches the browser through Fast Refresh; .next/ is written at run time, so
# the root filesystem stays writable, unlike the chart's pods. On Docker Desktop (macOS, Windows)
# file events may not cross the mount: add -e WATCHPACK_POLLING=true. A package.json change needs
# a rebuild. BuildKit skips this stage for the runtime image; the legacy builder builds it too (a
# copy of the sources, no install).
#   docker build -f docker/templates/nextjs.Dockerfile --target dev -t my-frontend:dev ../todo-chatbot/frontend
#   docker run --rm -p 3000:3000 -v "$PWD/../todo-chatbot/frontend/app:/src/app:ro" my-frontend:dev
FROM deps AS dev
ENV NODE_ENV=development \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
COPY . .
RUN mkdir -p .next && chown -R 10001:10001 .next
USER 10001:10001
EXPOSE 3000
CMD ["node", "node_modules/next/dist/bin/next", "dev"]

# ---- build: next build with the public URLs
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ARG NEXT_PUBLIC_API_URL
ARG NEXT_PUBLIC_APP_URL
ENV NEXT_PUBLIC_API_URL=${NEXT_PUBLIC_API_URL} \
    NEXT_PUBLIC_APP_URL=${NEXT_PUBLIC_APP_URL} \
    NEXT_TELEMETRY_DISABLED=1 \
    NODE_ENV=production
COPY --from=deps /src/node_modules ./node_modules
COPY . .
RUN npm run build \
 && mkdir -p public \
 && { test -f .next/standalone/server.js \
      || { echo "no .next/standalone/server.js: set output: 'standalone' in next.config" >&2; exit 1; }; }

# ---- runtime: node and the traced standalone server; no package-manager call
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    HEALTH_PATH=/
WORKDIR /app
COPY --from=build /src/public ./public
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
# With readOnlyRootFilesystem, Next.js can still serve pages; image optimisation and ISR write
# to /app/.next/cache, so mount an emptyDir there if the app uses them.
USER 10001:10001
EXPOSE 3000
# node rather than curl/wget. Set HEALTH_PATH to a cheap route (e.g. /api/health) if you have one.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+(process.env.HEALTH_PATH||'/')).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
