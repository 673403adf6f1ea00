"""Writers: each loader takes validated records in batches, resolves their references in SQL,
writes the valid ones and returns the faults it found (unknown references, repeated ids, manager
cycles) with counts. Loaders never commit; the caller's transaction makes an import all or
nothing."""
