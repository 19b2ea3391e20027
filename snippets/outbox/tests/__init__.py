"""Work left to on_commit() can be lost; an outbox row or a task row is not."""
