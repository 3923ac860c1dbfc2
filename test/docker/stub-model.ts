// A small OpenAI-compatible model stand-in on loopback, for the chat path: it answers
// POST /v1/chat/completions (the API the example backend's OpenAIChatCompletionsModel calls,
// non-streaming) with the shape OpenAI documents for a tool call, then with a final message.
//   1st request (no tool result yet): call the offered tool whose name ends in "add_task", with
//      the user id the agent's instructions name and the title from "Add <title> to my list".
//   2nd request (a "tool" message present): a one-sentence assistant reply.
// Every request body is kept, so a test can check which tools the agent offered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ChatMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
}
interface ChatRequest {
  model?: string;
  messages: ChatMessage[];
  tools?: Array<{ type: string; function: { name: string } }>;
}

export interface StubModel {
  baseUrl: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

const text = (m: ChatMessage | undefined) =>
  typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((part) => part.text ?? '').join('');

function completion(model: string, message: Record<string, unknown>, finishReason: string) {
  return {
    id: `chatcmpl-stub-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function answer(body: ChatRequest): unknown {
  const model = body.model ?? 'stub';
  const toolResult = body.messages.find((m) => m.role === 'tool');
  if (toolResult) return completion(model, { role: 'assistant', content: `Done: ${text(toolResult).slice(0, 200)}` }, 'stop');
  const addTool = body.tools?.find((t) => t.function.name.endsWith('add_task'))?.function.name;
  const userText = text([...body.messages].reverse().find((m) => m.role === 'user'));
  const title = /add (.+?) to my list/i.exec(userText)?.[1];
  if (!addTool || !title) return completion(model, { role: 'assistant', content: 'I can only add tasks.' }, 'stop');
  const instructions = body.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map(text)
    .join('\n');
  const userId = /user's id is ([^\s:]+)/i.exec(instructions)?.[1] ?? 'guest';
  const toolCall = {
    id: 'call_stub_1',
    type: 'function',
    function: { name: addTool, arguments: JSON.stringify({ user_id: userId, title }) },
  };
  return completion(model, { role: 'assistant', content: null, tool_calls: [toolCall] }, 'tool_calls');
}

export async function startStubModel(host = '127.0.0.1'): Promise<StubModel> {
  const requests: ChatRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (d: string) => (raw += d));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      try {
        const body = JSON.parse(raw) as ChatRequest;
        requests.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(body)));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: (err as Error).message } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
