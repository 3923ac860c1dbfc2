// The todo page: talks to /api/todos on its own origin (the frontend proxies it to the backend).
// Text from the server is only ever set with textContent, never parsed as HTML.
const list = document.getElementById('todos');
const empty = document.getElementById('empty');
const count = document.getElementById('count');
const statusLine = document.getElementById('status');
const form = document.getElementById('add-form');
const input = document.getElementById('new-title');

function say(message, isError = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', isError);
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { accept: 'application/json', ...(options.body ? { 'content-type': 'application/json' } : {}) },
  });
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `request failed (${response.status})`);
  return body;
}

function render(todos) {
  list.replaceChildren(
    ...todos.map((todo) => {
      const item = document.createElement('li');
      item.dataset.testid = 'todo-item';
      item.dataset.id = String(todo.id);
      item.classList.toggle('done', todo.completed);

      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = todo.completed;
      box.addEventListener('change', () => update(todo.id, { completed: box.checked }));
      const title = document.createElement('span');
      title.className = 'title';
      title.textContent = todo.title;
      label.append(box, title);

      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'delete';
      remove.textContent = 'Delete';
      remove.setAttribute('aria-label', `Delete "${todo.title}"`);
      remove.addEventListener('click', () => destroy(todo.id));

      item.append(label, remove);
      return item;
    }),
  );
  empty.hidden = todos.length > 0;
  const open = todos.filter((t) => !t.completed).length;
  count.textContent = todos.length ? `${open} open, ${todos.length - open} done` : '';
}

async function refresh() {
  try {
    render(await api('/api/todos'));
    if (statusLine.classList.contains('error')) say('');
  } catch (err) {
    say(`Could not load tasks: ${err.message}`, true);
  }
}

async function update(id, patch) {
  try {
    await api(`/api/todos/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });
  } catch (err) {
    say(`Could not update the task: ${err.message}`, true);
  }
  await refresh();
}

async function destroy(id) {
  try {
    await api(`/api/todos/${id}`, { method: 'DELETE' });
    say('Task deleted.');
  } catch (err) {
    say(`Could not delete the task: ${err.message}`, true);
  }
  await refresh();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const title = input.value.trim();
  if (!title) return;
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    await api('/api/todos', { method: 'POST', body: JSON.stringify({ title }) });
    input.value = '';
    say('Task added.');
  } catch (err) {
    say(`Could not add the task: ${err.message}`, true);
  } finally {
    button.disabled = false;
    input.focus();
  }
  await refresh();
});

document.getElementById('refresh').addEventListener('click', refresh);
// Tasks the assistant adds through the MCP server appear without a reload.
setInterval(() => {
  if (document.visibilityState === 'visible') refresh();
}, 5000);
refresh();
