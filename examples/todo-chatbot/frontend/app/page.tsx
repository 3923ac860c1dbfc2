import { Chat } from './chat';
import { Todos } from './todos';

export default function Home() {
  return (
    <main>
      <h1>Todo AI Chatbot</h1>
      <Todos />
      <Chat />
    </main>
  );
}
