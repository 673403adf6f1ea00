"""A step's content items (text, image, link, mini-program, file, video), what each channel can
carry, the templates inside them, and A/B variants."""

from __future__ import annotations

from collections.abc import Mapping

from siyu.core.model import Channel, ContentItem, File, Image, Link, MiniProgram, Text, Variant, Video, templates_of
from siyu.core.render import Scope, check_template
from siyu.core.sopparse.reader import Path, Reader, describe, unknown_key
from siyu.core.vocabulary import CHANNEL_CONTENT, CONTENT_FIELDS, CONTENT_KINDS


class ContentReader(Reader):
    """Content items and variants, checked against what the step's channel can carry."""

    def content(
        self, value: object, path: Path, channel: Channel | None, scope: Scope | None
    ) -> tuple[ContentItem, ...]:
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a non-empty list of content items such as - text: 你好, got {describe(value)}")
            return ()
        items: list[ContentItem] = []
        for index, raw in enumerate(value):
            item = self.content_item(raw, (*path, index), channel)
            if item is None:
                continue
            items.append(item)
            if scope is not None:
                self.templates(item, (*path, index), scope)
        return tuple(items)

    def content_item(self, value: object, path: Path, channel: Channel | None) -> ContentItem | None:
        if not isinstance(value, Mapping) or len(value) != 1:
            found = f"found {', '.join(map(str, value))}" if isinstance(value, Mapping) else f"got {describe(value)}"
            self.fail(path, f"expected exactly one of {', '.join(CONTENT_KINDS)} per item ({found})")
            return None
        key, item = next(iter(value.items()))
        where = (*path, key)
        if key not in CONTENT_KINDS:
            self.fail(where, unknown_key(str(key), CONTENT_KINDS))
            return None
        allowed = CHANNEL_CONTENT.get(channel) if channel is not None else None
        if allowed is not None and key not in allowed:
            self.fail(where, f"the {channel} channel cannot carry {key} (it takes: {', '.join(allowed)})")
            return None
        if key == "text":
            text = self.text(item, where)
            return Text(text) if text else None
        if key in ("image", "file", "video"):
            asset = self.text(item, where)
            if not asset:
                return None
            return Image(asset) if key == "image" else File(asset) if key == "file" else Video(asset)
        fields = CONTENT_FIELDS[key]
        spec = self.mapping(
            item, where, "{title: 满意度问卷, url: https://…}" if key == "link" else "{title, appid, page}"
        )
        if spec is None:
            return None
        self.keys(spec, fields, where)
        values = {f: self.text(spec[f], (*where, f)) if self.require(spec, f, where) else "" for f in fields}
        if key == "link" and values["url"] and not values["url"].startswith(("http://", "https://")):
            self.fail((*where, "url"), f"expected an http:// or https:// address, got {values['url']!r}")
            return None
        if not all(values.values()):
            return None
        if key == "link":
            return Link(values["title"], values["url"])
        return MiniProgram(values["title"], values["appid"], values["page"])

    def templates(self, item: ContentItem, path: Path, scope: Scope) -> None:
        for field_path, text in templates_of(item):
            for error in check_template(text, scope):
                self.fail((*path, *field_path), str(error))

    def variants(self, value: object, path: Path, channel: Channel | None, scope: Scope | None) -> tuple[Variant, ...]:
        if not isinstance(value, list) or not value:
            self.fail(
                path, f"expected a non-empty list of variants such as {{id: a, weight: 50}}, got {describe(value)}"
            )
            return ()
        ids: dict[str, int] = {}
        variants: list[Variant] = []
        for index, item in enumerate(value):
            where = (*path, index)
            raw = self.mapping(item, where, "{id: a, weight: 50}")
            if raw is None:
                continue
            self.keys(raw, ("id", "weight", "content"), where)
            variant_id = self.slug(raw["id"], (*where, "id")) if self.require(raw, "id", where) else ""
            self.unique(variant_id, ids, (*where, "id"), "variants", index)
            weight = 0
            if self.require(raw, "weight", where):
                weight = self.whole(
                    raw["weight"], (*where, "weight"), low=1, high=1_000_000, what="a positive whole number"
                )
            content = self.content(raw["content"], (*where, "content"), channel, scope) if "content" in raw else None
            variants.append(Variant(variant_id, weight, content))
        return tuple(variants)
