"""Todo MCP server: task tools over Streamable HTTP, on the backend's PostgreSQL database."""
