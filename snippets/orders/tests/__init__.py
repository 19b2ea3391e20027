"""order_completed is sent once, after the completion commits, to every receiver."""
