"""`siyu audience …` commands."""
