"""The tests of request_log: what the request signals carry, and when they come."""
