"""The tests of alternatives: each alternative to a signal, and what it misses."""
