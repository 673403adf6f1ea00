"""The imperative shell that runs SOPs: ticks of small steps over the store (see tick.py)."""
