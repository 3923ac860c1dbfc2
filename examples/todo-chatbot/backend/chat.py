"""POST /api/chat: an OpenAI Agents SDK agent that manages the user's tasks through the MCP tools."""
import logging

from agents import Agent, OpenAIChatCompletionsModel, Runner, set_tracing_disabled
from agents.items import ToolCallItem
from agents.mcp import MCPServerStreamableHttp
from fastapi import APIRouter, Header, HTTPException
from openai import AsyncOpenAI
from pydantic import BaseModel, Field

from settings import settings

log = logging.getLogger("chat")
router = APIRouter()
# Traces would go to OpenAI's platform whatever the model endpoint is; keep them off.
set_tracing_disabled(True)

INSTRUCTIONS = (
    "You manage the user's todo list with the task tools. The user's id is {user_id}: pass it as "
    "user_id to every tool. Confirm what you did in one short sentence."
)


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000)


class ChatReply(BaseModel):
    reply: str
    tool_calls: list[str]


def _model() -> OpenAIChatCompletionsModel:
    if not settings.openai_api_key:
        raise HTTPException(status_code=503, detail="OPENAI_API_KEY is not set")
    # Chat Completions rather than the Responses API: it is what OpenAI-compatible endpoints
    # (Gemini's, local models) speak.
    client = AsyncOpenAI(api_key=settings.openai_api_key, base_url=settings.openai_base_url)
    return OpenAIChatCompletionsModel(model=settings.openai_model, openai_client=client)


@router.post("/api/chat", response_model=ChatReply)
async def chat(body: ChatRequest, x_user_id: str = Header(default="guest")) -> ChatReply:
    model = _model()
    async with MCPServerStreamableHttp(
        name="todo-mcp",
        params={"url": settings.mcp_server_url, "timeout": 10},
        cache_tools_list=True,
    ) as tools:
        agent = Agent(
            name="Todo assistant",
            instructions=INSTRUCTIONS.format(user_id=x_user_id),
            model=model,
            mcp_servers=[tools],
        )
        result = await Runner.run(agent, body.message, max_turns=6)
    calls = [getattr(item.raw_item, "name", "?") for item in result.new_items if isinstance(item, ToolCallItem)]
    log.info("chat: %d tool call(s): %s", len(calls), ", ".join(calls))
    return ChatReply(reply=str(result.final_output), tool_calls=calls)
