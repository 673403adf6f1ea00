"""Every value's path maps to its line; a list file gives each SOP its own source text."""

from __future__ import annotations

from siyu.core.errors import Problem
from siyu.core.yamlsource import LineMap, load_sops, load_yaml

TEXT = """\
id: a
steps:
  - id: first
    at: {day: 0, time: "10:00"}
  - id: second
    at:
      every: week
      time: "09:00"
"""


def test_paths_map_to_the_lines_of_their_keys() -> None:
    _, lines, _ = load_yaml(TEXT, "f.yaml")
    assert lines.line_of("(top)") == 1
    assert lines.line_of("steps") == 2
    assert lines.line_of("steps[0]") == 3
    assert lines.line_of("steps[0].at.time") == 4
    assert lines.line_of("steps[1].at") == 6
    assert lines.line_of("steps[1].at.time") == 8


def test_an_unknown_path_falls_back_to_its_nearest_ancestor() -> None:
    _, lines, _ = load_yaml(TEXT, "f.yaml")
    assert lines.line_of("steps[1].at.weekday") == 6
    assert lines.line_of("steps[7].channel") == 2
    assert lines.line_of("nowhere") == 1
    assert LineMap().line_of("steps[0]") == 1


def test_a_problem_is_located_as_file_line_path() -> None:
    (sop,) = load_sops(TEXT, "f.yaml")
    located = sop.locate(Problem("steps[1].at.time", "bad"))
    assert str(located) == "f.yaml:8: steps[1].at.time: bad"


LIST = """\
# two SOPs in one file
- id: one
  name: 一
  steps:
    - id: s   # a comment stays
      at: {delay: 0m}

- id: two
  name: 二
"""


def test_each_sop_of_a_list_keeps_its_own_dedented_source() -> None:
    one, two = load_sops(LIST, "f.yaml")
    assert one.path == (0,)
    assert two.path == (1,)
    assert one.source == "id: one\nname: 一\nsteps:\n  - id: s   # a comment stays\n    at: {delay: 0m}\n"
    assert two.source == "id: two\nname: 二\n"
    assert one.raw == {"id": "one", "name": "一", "steps": [{"id": "s", "at": {"delay": "0m"}}]}


def test_list_items_are_located_with_their_index() -> None:
    _, two = load_sops(LIST, "f.yaml")
    assert two.line == 8
    assert str(two.locate(Problem("[1].name", "bad"))) == "f.yaml:9: [1].name: bad"


def test_a_flow_list_item_is_cut_too() -> None:
    (only,) = load_sops("[{id: a, name: x}]\n", "f.yaml")
    assert only.source == "{id: a, name: x}\n"


def test_an_item_that_cannot_be_cut_cleanly_is_dumped() -> None:
    text = "- id: a\n  tags: [x,\n y]\n"  # the flow list's second line sits left of the item
    (only,) = load_sops(text, "f.yaml")
    assert only.raw == {"id": "a", "tags": ["x", "y"]}
    assert only.source == "id: a\ntags:\n- x\n- y\n"
    data, _, _ = load_yaml(only.source, "again.yaml")
    assert data == only.raw
