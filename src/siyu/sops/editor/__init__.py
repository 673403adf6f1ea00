"""The SOP editor's form and its two-way mapping to an SOP definition (the raw mapping of a file).

The console edits one SOP in two tabs kept in sync: a form (表单) for the parts operators change
every day, and the YAML for everything. `definition_of(form_of(d))` equals `d` exactly, types
included, for every mapping `d` — valid or not. What the form cannot express is never lost: it
stays YAML (a top-level key in `extras`, a condition subtree as a `yaml` node, a whole step as a
YAML step), each decided by a strict round trip.

The modules, each importing only those above it:

* `codec` — one value ↔ the text of one field (scalars, lists, numbers, mappings, YAML snippets);
* `condition_form` — a condition ↔ the builder's `Node` tree, one reader and writer per leaf;
* `step_form` — a step ↔ `StepForm` (timing, executor, content items, variants);
* `sop_form` — the whole SOP ↔ `SopForm` (`form_of`, `definition_of`, `yaml_of`, `blank_form`);
* `buttons` — the form's add / remove / move buttons (`apply_op`);
* `posted` — the form read back from the fields the console posts (`form_from_fields`).

Pure: no database, no clock, no IO.
"""
