"""Channel adapters: how tasks reach people (see base.py for the one interface they share)."""
