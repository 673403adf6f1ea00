"""The condition language: `nodes` (the typed tree and the closed `Condition` union), `leaves`
(the registry: each head's node, parser and target kinds), `reader` (the parser's machinery)
and `parse` (`parse_condition`). Import each name from the module that defines it."""
