"""Four ways to record who changed a note, and where each one has no user."""
