"""Conditions → SQL, the one place that builds condition SQL. This module is the compiler's
public face — what the domains use: `condition_sql`, `target_ids`, `count_targets`, the
`SqlContext` and `property_matches` (each target kind's table is `store.target_tables`).
The work is in the submodules: `compiler` (entry points, groups, dispatch),
`attribute_leaves`, `event_leaves`, `customer_leaves`, `json_properties`, `comparisons` and
`context`.
"""

from siyu.store.compile.compiler import condition_sql, count_targets, target_ids
from siyu.store.compile.context import SqlContext
from siyu.store.compile.json_properties import property_matches

__all__ = ["SqlContext", "condition_sql", "count_targets", "property_matches", "target_ids"]
