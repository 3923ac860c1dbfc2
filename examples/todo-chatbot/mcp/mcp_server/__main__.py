"""python -m mcp_server: serve the tools over Streamable HTTP at /mcp."""
import logging
import os

from .server import mcp

if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper())
    # mcp 2.x takes host and port here (no FASTMCP_* variables) and binds 127.0.0.1 by default,
    # which nothing outside the container can reach. Stateless JSON responses: any replica can
    # answer any request, so the server scales behind a Kubernetes Service.
    mcp.run(
        transport="streamable-http",
        host=os.environ.get("MCP_HOST", "0.0.0.0"),
        port=int(os.environ.get("MCP_SERVER_PORT", "8001")),
        stateless_http=True,
        json_response=True,
    )
