// The MCP tools, built with the official SDK. They act on the same todos table as the backend,
// so a task added by the assistant shows up on the todo page and the other way round.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Logger } from '../../shared/runtime.js';
import { TITLE_MAX, type Todo, type TodoStore } from '../../shared/todos.js';

const taskId = z.number().int().positive().max(2_147_483_647).describe('The id of the task, as returned by add_task or list_tasks');

const taskOutput = {
  task_id: z.number().int(),
  status: z.enum(['created', 'completed', 'deleted']),
  title: z.string(),
};

const taskShape = z.object({
  id: z.number().int(),
  title: z.string(),
  completed: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A result both a model (text) and a program (structuredContent) can read. */
function result(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

function failure(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function change(todo: Todo, status: 'created' | 'completed' | 'deleted'): CallToolResult {
  return result({ task_id: todo.id, status, title: todo.title }, `Task ${todo.id} ${status}: ${todo.title}`);
}

/**
 * Builds a server with the four tools. The HTTP layer makes a fresh one per request (stateless
 * Streamable HTTP), which is cheap: registering four tools is a few object allocations.
 */
export function buildMcpServer(store: TodoStore, log: Logger, version: string): McpServer {
  const server = new McpServer({ name: 'todo-mcp', version });

  /** Database failures become tool errors the model can read, logged without the URL. */
  const guarded =
    <A>(tool: string, run: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        const out = await run(args);
        log.info('tool call', { tool, isError: Boolean(out.isError) });
        return out;
      } catch (err) {
        log.error('tool call failed', { tool, err });
        return failure('The todo database is unavailable right now; try again shortly.');
      }
    };

  server.registerTool(
    'add_task',
    {
      title: 'Add a task',
      description: 'Create a new task on the todo list.',
      inputSchema: { title: z.string().trim().min(1).max(TITLE_MAX).describe('What needs doing') },
      outputSchema: taskOutput,
    },
    guarded('add_task', async ({ title }: { title: string }) => change(await store.create(title), 'created')),
  );

  server.registerTool(
    'list_tasks',
    {
      title: 'List tasks',
      description: 'List the tasks on the todo list, optionally only pending or only completed ones.',
      inputSchema: {
        status: z.enum(['all', 'pending', 'completed']).default('all').describe('Which tasks to list (default all)'),
      },
      outputSchema: { tasks: z.array(taskShape), count: z.number().int() },
      annotations: { readOnlyHint: true },
    },
    guarded('list_tasks', async ({ status }: { status: 'all' | 'pending' | 'completed' }) => {
      const tasks = await store.list(status);
      const lines = tasks.map((t) => `${t.completed ? '[x]' : '[ ]'} ${t.id}. ${t.title}`);
      const text = tasks.length ? lines.join('\n') : `No ${status === 'all' ? '' : status + ' '}tasks.`;
      return result({ tasks, count: tasks.length }, text);
    }),
  );

  server.registerTool(
    'complete_task',
    {
      title: 'Complete a task',
      description: 'Mark a task as completed.',
      inputSchema: { task_id: taskId },
      outputSchema: taskOutput,
      annotations: { idempotentHint: true },
    },
    guarded('complete_task', async ({ task_id }: { task_id: number }) => {
      const todo = await store.update(task_id, { completed: true });
      return todo ? change(todo, 'completed') : failure(`Task ${task_id} not found.`);
    }),
  );

  server.registerTool(
    'delete_task',
    {
      title: 'Delete a task',
      description: 'Remove a task from the todo list for good.',
      inputSchema: { task_id: taskId },
      outputSchema: taskOutput,
      annotations: { destructiveHint: true },
    },
    guarded('delete_task', async ({ task_id }: { task_id: number }) => {
      const todo = await store.remove(task_id);
      return todo ? change(todo, 'deleted') : failure(`Task ${task_id} not found.`);
    }),
  );

  return server;
}
