"""What connected receivers cost, and what changed inside Signal in 6.0 and 6.1."""
