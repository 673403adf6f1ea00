"""`siyu demo …` commands."""
