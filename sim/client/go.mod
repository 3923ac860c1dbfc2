module todo-chatbot/simclient

go 1.22
