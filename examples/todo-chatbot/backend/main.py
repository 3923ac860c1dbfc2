"""Todo backend: REST CRUD for todos, health and readiness, and the chat endpoint."""
import logging

from fastapi import Depends, FastAPI, Header, HTTPException, Response
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from chat import router as chat_router
from db import Task, database_answers, get_session
from settings import settings

logging.basicConfig(level=settings.log_level)
app = FastAPI(title="Todo backend")
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_methods=["*"],
    allow_headers=["*"],
)
app.include_router(chat_router)


@app.get("/health")
def health() -> dict:
    """The process is up (liveness); says nothing about the database."""
    return {"status": "ok"}


@app.get("/ready")
def ready(response: Response) -> dict:
    """Ready to serve: the database answers. 503 otherwise, so no traffic is sent here."""
    if database_answers():
        return {"status": "ready", "database": "ok"}
    response.status_code = 503
    return {"status": "not ready", "database": "unreachable"}


class TodoIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=2000)


class TodoPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=500)
    completed: bool | None = None


def _owned(session: Session, user_id: str, todo_id: int) -> Task:
    task = session.get(Task, todo_id)
    if task is None or task.user_id != user_id:
        raise HTTPException(status_code=404, detail="todo not found")
    return task


@app.get("/api/todos")
def list_todos(x_user_id: str = Header(default="guest"), session: Session = Depends(get_session)) -> list[Task]:
    return list(session.exec(select(Task).where(Task.user_id == x_user_id).order_by(Task.id)))


@app.post("/api/todos", status_code=201)
def create_todo(body: TodoIn, x_user_id: str = Header(default="guest"), session: Session = Depends(get_session)) -> Task:
    task = Task(user_id=x_user_id, title=body.title, description=body.description)
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@app.patch("/api/todos/{todo_id}")
def update_todo(todo_id: int, body: TodoPatch, x_user_id: str = Header(default="guest"), session: Session = Depends(get_session)) -> Task:
    task = _owned(session, x_user_id, todo_id)
    if body.title is not None:
        task.title = body.title
    if body.completed is not None:
        task.completed = body.completed
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@app.delete("/api/todos/{todo_id}", status_code=204)
def delete_todo(todo_id: int, x_user_id: str = Header(default="guest"), session: Session = Depends(get_session)) -> Response:
    session.delete(_owned(session, x_user_id, todo_id))
    session.commit()
    return Response(status_code=204)
