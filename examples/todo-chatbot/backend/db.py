"""The task table (shared with the MCP server) and the database engine."""
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, create_engine

from settings import settings


class Task(SQLModel, table=True):
    __tablename__ = "tasks"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True, max_length=200)
    title: str = Field(max_length=500)
    description: str | None = Field(default=None, max_length=2000)
    completed: bool = Field(default=False)
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))


def _sqlalchemy_url(url: str) -> str:
    # postgres:// and postgresql:// mean psycopg2 to SQLAlchemy; this app ships psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


engine = create_engine(
    _sqlalchemy_url(settings.database_url),
    pool_pre_ping=True,
    connect_args={"connect_timeout": 3},
)
_schema_ready = False


def ensure_schema() -> None:
    """Creates the table once the database answers; start-up must not need the database."""
    global _schema_ready
    if _schema_ready:
        return
    try:
        SQLModel.metadata.create_all(engine)
    except SQLAlchemyError:
        SQLModel.metadata.create_all(engine)  # the MCP server may have raced us to it
    _schema_ready = True


def database_answers() -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        ensure_schema()
        return True
    except SQLAlchemyError:
        return False


def get_session():
    ensure_schema()
    with Session(engine) as session:
        yield session
