"""What a browser would post from a form in an HTML page: its successful controls, by name."""

from __future__ import annotations

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # >0 inside the form
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option: tuple[str | None, bool] | None = None
        self.option_text = ""
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif a.get("id") == self.form_id:
                self.depth = 1
            return
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.option, self.option_text = (a.get("value"), "selected" in a), ""
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "option" and self.option is not None:
            value, selected = self.option
            self.options.append((value if value is not None else self.option_text, selected))
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.options if selected]
            if chosen or self.options:
                self.fields[self.select] = chosen[-1] if chosen else self.options[0][0]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.fields[self.textarea] = text
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data
        elif self.option is not None:
            self.option_text += data


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The name → value pairs the form `form_id` would post (checked boxes, selected options…)."""
    parser = _Fields(form_id)
    parser.feed(html)
    parser.close()
    return parser.fields


def fragment_fields(html: str) -> dict[str, str]:
    """The controls of an HTML fragment (no enclosing form)."""
    return form_fields(f'<form id="__fragment__">{html}</form>', "__fragment__")
