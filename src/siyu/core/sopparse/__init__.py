"""Raw SOP mapping (from YAML or JSON) → `core.model.Sop`, collecting every problem with its path.

Pure: no IO, no clock. `sop.parse_sop` raises one ValidationError listing every problem found, each
located by its path inside the file (`steps[2].at.time`); `yamlsource` turns paths into lines.
The rules are those of /shared/design/SOP-FORMAT.md plus the choices written down in
docs/sop-format-notes.md.

The parser is one `SopReader`, built up by job, each module using only those above it:

* `reader` — problems with their paths, and the small values (texts, numbers, ids, durations…);
* `timing` — the `at` time specs; `content` — content items, templates and variants;
* `steps` — one step (channel, executor, mode, `when`, timing and content);
* `standards` — service standards;
* `sop` — the SOP's top level (`parse_sop`) and the warnings for valid SOPs (`warnings_of`).
"""
