"""`siyu sop …` commands."""
