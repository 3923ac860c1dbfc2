# Template: a Python MCP server (official `mcp` SDK / FastMCP) over Streamable HTTP, for the
# runbooks.
#
# Build context: the folder holding the server and its requirements.txt (APP_MCP_DIR; often the
# backend folder itself when the tools live next to the API). In .env:
#   APP_MCP_DIR=../todo-chatbot/backend
#   MCP_DOCKERFILE=docker/templates/python-mcp.Dockerfile
#
# The server must listen on 0.0.0.0 at MCP_SERVER_PORT (default 8001) and serve /mcp. With mcp 2.x
# (FastMCP is now MCPServer; host and port are run() arguments, and the default host 127.0.0.1
# is unreachable from outside the container):
#   mcp = MCPServer("todo")
#   ...
#   if __name__ == "__main__":
#       mcp.run(transport="streamable-http", host="0.0.0.0",
#               port=int(os.environ.get("MCP_SERVER_PORT", "8001")), stateless_http=True)
# mcp 1.x's FastMCP reads FASTMCP_HOST / FASTMCP_PORT, which are set below for it.
#
# DATABASE_URL and any API key are runtime settings from the chart's Secret, never build args.

ARG PYTHON_IMAGE=python:3.11-slim

# ---- build: a virtualenv with the dependencies, and the code compiled to bytecode
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.txt ./
RUN pip install -r requirements.txt
# pip itself is not needed to run the server: leave it out of the runtime stage (about 15 MB, and
# no package manager in the shipped image).
RUN python -m pip uninstall -y -q pip
COPY . .
RUN python -m compileall -q /src

# ---- runtime: python, the virtualenv and the code; no pip, nothing writable
FROM ${PYTHON_IMAGE}
# The module that starts the server (python -m $MCP_MODULE). Override with --build-arg or at run
# time with the MCP_MODULE environment variable.
ARG MCP_MODULE=mcp_server
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MCP_MODULE=${MCP_MODULE} \
    MCP_SERVER_PORT=8001 \
    FASTMCP_HOST=0.0.0.0 \
    FASTMCP_PORT=8001
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /src /app
# A numeric user, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 10001:10001
EXPOSE 8001
# A TCP connect: MCP servers need not have a plain GET health route (the Kubernetes probes in
# the chart can use tcpSocket the same way). python rather than curl: slim has no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, socket; socket.create_connection(('127.0.0.1', int(os.environ.get('MCP_SERVER_PORT', '8001'))), timeout=2).close()"]
# exec: python becomes PID 1 and receives SIGTERM itself.
CMD ["sh", "-c", "exec python -m \"$MCP_MODULE\""]
