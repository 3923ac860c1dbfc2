"""The task table and its engine. The backend owns the same table; both create it if missing."""
import os
from datetime import datetime, timezone

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, create_engine


class Task(SQLModel, table=True):
    __tablename__ = "tasks"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True, max_length=200)
    title: str = Field(max_length=500)
    description: str | None = Field(default=None, max_length=2000)
    completed: bool = Field(default=False)
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))


def _sqlalchemy_url(url: str) -> str:
    # Hosted PostgreSQL hands out postgres:// or postgresql:// URLs; SQLAlchemy maps both to
    # psycopg2, which is not installed. Say which driver to use: psycopg (version 3).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


engine = create_engine(
    _sqlalchemy_url(os.environ["DATABASE_URL"]),
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5},
)
_schema_ready = False


def session() -> Session:
    global _schema_ready
    if not _schema_ready:
        try:
            SQLModel.metadata.create_all(engine)
        except SQLAlchemyError:
            # The backend may be creating the same table at this moment; one retry sees it.
            SQLModel.metadata.create_all(engine)
        _schema_ready = True
    return Session(engine)
