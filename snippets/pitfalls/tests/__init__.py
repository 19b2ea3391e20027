"""The tests of pitfalls: each mistake of the page fails, and each fix works."""
