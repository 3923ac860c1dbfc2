"""Settings from the environment (the chart's ConfigMap and Secret); read once at start-up."""
import os
from dataclasses import dataclass, field


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ["DATABASE_URL"])
    better_auth_secret: str = field(default_factory=lambda: os.environ.get("BETTER_AUTH_SECRET", ""))
    cors_origins: list[str] = field(default_factory=lambda: _list(os.environ.get("CORS_ORIGINS", "http://localhost:3000")))
    mcp_server_url: str = field(default_factory=lambda: os.environ.get("MCP_SERVER_URL", "http://localhost:8001/mcp"))
    openai_api_key: str = field(default_factory=lambda: os.environ.get("OPENAI_API_KEY", ""))
    # Any OpenAI-compatible endpoint (OpenAI itself when unset; Gemini's, a local model's).
    openai_base_url: str | None = field(default_factory=lambda: os.environ.get("OPENAI_BASE_URL") or None)
    openai_model: str = field(default_factory=lambda: os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
    max_conversation_history: int = field(default_factory=lambda: int(os.environ.get("MAX_CONVERSATION_HISTORY", "20")))
    log_level: str = field(default_factory=lambda: os.environ.get("LOG_LEVEL", "info").upper())


settings = Settings()
