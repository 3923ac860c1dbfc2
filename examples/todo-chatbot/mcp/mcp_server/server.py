"""The four task tools of the Phase III spec, each scoped to the user it is called for."""
from sqlmodel import select

from mcp.server.mcpserver import MCPServer

from .db import Task, session

mcp = MCPServer("todo", instructions="Manage a user's todo list: add, list, complete and delete tasks.")


def _task(task: Task) -> dict:
    return {"task_id": task.id, "title": task.title, "description": task.description, "completed": task.completed}


@mcp.tool()
def add_task(user_id: str, title: str, description: str | None = None) -> dict:
    """Add a task to the user's list and return it."""
    with session() as db:
        task = Task(user_id=user_id, title=title, description=description)
        db.add(task)
        db.commit()
        db.refresh(task)
        return {"status": "created", **_task(task)}


@mcp.tool()
def list_tasks(user_id: str, status: str = "all") -> dict:
    """List the user's tasks; status is all, pending or completed."""
    with session() as db:
        query = select(Task).where(Task.user_id == user_id).order_by(Task.id)
        if status == "pending":
            query = query.where(Task.completed == False)  # noqa: E712 (SQL comparison)
        elif status == "completed":
            query = query.where(Task.completed == True)  # noqa: E712
        return {"tasks": [_task(t) for t in db.exec(query)]}


def _owned(db, user_id: str, task_id: int) -> Task:
    task = db.get(Task, task_id)
    if task is None or task.user_id != user_id:
        raise ValueError(f"task {task_id} not found")
    return task


@mcp.tool()
def complete_task(user_id: str, task_id: int) -> dict:
    """Mark one of the user's tasks as completed."""
    with session() as db:
        task = _owned(db, user_id, task_id)
        task.completed = True
        db.add(task)
        db.commit()
        db.refresh(task)
        return {"status": "completed", **_task(task)}


@mcp.tool()
def delete_task(user_id: str, task_id: int) -> dict:
    """Delete one of the user's tasks."""
    with session() as db:
        task = _owned(db, user_id, task_id)
        db.delete(task)
        db.commit()
        return {"status": "deleted", "task_id": task_id}
