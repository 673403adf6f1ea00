"""`siyu imports …` commands."""
