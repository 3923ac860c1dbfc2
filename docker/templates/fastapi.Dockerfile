# Template: the FastAPI backend of your own Todo AI Chatbot (Phase III), for the runbooks.
#
# Build context: your backend folder (APP_BACKEND_DIR), which holds requirements.txt and the
# code. Point the runbooks at it in .env:
#   APP_BACKEND_DIR=../todo-chatbot/backend
#   BACKEND_DOCKERFILE=docker/templates/fastapi.Dockerfile
# or build by hand:
#   docker build -f docker/templates/fastapi.Dockerfile -t todo-backend:dev ../todo-chatbot/backend
#
# requirements.txt must list uvicorn (e.g. "uvicorn[standard]" or "fastapi[standard]"). With uv
# or Poetry, export the locked set first:
#   uv export --no-dev --no-hashes -o requirements.txt
#   poetry export --without-hashes -o requirements.txt
#
# Secrets (DATABASE_URL, BETTER_AUTH_SECRET, OPENAI_API_KEY) are runtime settings from the
# chart's Secret. Never pass one as --build-arg or bake it with ENV: both are recorded in the
# image history for anyone who can pull the image.

ARG PYTHON_IMAGE=python:3.11-slim

# ---- build: a virtualenv with the dependencies, and the code compiled to bytecode
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# A dependency without a wheel for this platform needs a compiler, here and only here, e.g.:
#   RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.txt ./
RUN pip install -r requirements.txt
RUN python -c "import uvicorn" 2>/dev/null \
 || { echo "requirements.txt must include uvicorn (e.g. uvicorn[standard])" >&2; exit 1; }
# pip itself is not needed to run the app: leave it out of the runtime stage (about 15 MB, and no
# package manager in the shipped image).
RUN python -m pip uninstall -y -q pip
COPY . .
# The running container cannot write .pyc files (read-only root filesystem), so write them now.
RUN python -m compileall -q /src

# ---- runtime: python, the virtualenv and the code; no pip, no compiler, nothing writable
FROM ${PYTHON_IMAGE}
# The ASGI app to serve, as module:attribute. Override with --build-arg, or at run time with
# the APP_MODULE environment variable (e.g. backend.env.APP_MODULE in the chart).
ARG APP_MODULE=main:app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    APP_MODULE=${APP_MODULE} \
    PORT=8000 \
    HEALTH_PATH=/health
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /src /app
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 10001:10001
EXPOSE 8000
# python rather than curl: the slim image has no curl. urlopen raises (exit 1) on non-2xx.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + os.environ.get('HEALTH_PATH', '/health'), timeout=2)"]
# exec: uvicorn becomes PID 1 and receives SIGTERM itself, and shuts down gracefully.
CMD ["sh", "-c", "exec uvicorn \"$APP_MODULE\" --host 0.0.0.0 --port \"$PORT\" --proxy-headers --forwarded-allow-ips '*' --no-server-header"]
