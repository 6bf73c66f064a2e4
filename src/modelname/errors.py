"""The one error :func:`modelname.parse` raises for text that cannot be a model name."""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["InvalidModelName"]

_SHOWN = 100  # characters of the name shown around the marked place


class InvalidModelName(ValueError):
    """Raised for text that cannot be a model name; the message marks where.

    >>> modelname.parse("Qwen2.5-7B-")
    InvalidModelName: the name ends with a separator (at character 10)
        Qwen2.5-7B-
                  ^
    """

    def __init__(
        self, reason: str, name: str | None = None, position: int | None = None, reason_zh: str | None = None
    ) -> None:
        self.reason = reason
        self.reason_zh = reason_zh or reason
        self.name = name
        self.position = position
        super().__init__(self.message())

    @classmethod
    def at(
        cls, position: int, reason: str, name: str | None, reason_zh: str | None = None
    ) -> InvalidModelName:
        return cls(reason, name, position, reason_zh)

    def shifted(self, name: str, offset: int) -> InvalidModelName:
        """The same error, placed in the original ``name`` that had ``offset`` characters stripped."""
        pos = None if self.position is None else self.position + offset
        return InvalidModelName(self.reason, name, pos, self.reason_zh)

    def message(self, lang: str = "en") -> str:
        """The reason, where (a character count from 1) and the name with a caret under the place."""
        zh = lang == "zh"
        reason = self.reason_zh if zh else self.reason
        if self.name is None:
            return reason
        where = ""
        if self.position is not None:
            where = f"（第 {self.position + 1} 个字符处）" if zh else f" (at character {self.position + 1})"
        shown, caret = _window(self.name, self.position)
        lines = [f"{reason}{where}", f"    {shown}"]
        if caret is not None:
            lines.append("    " + " " * caret + "^")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record: ``{"error", "reason", "reason_zh", "name", "position", "message", "message_zh"}``."""
        return {
            "error": "InvalidModelName",
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "name": self.name,
            "position": self.position,
            "message": str(self),
            "message_zh": self.message("zh"),
        }


def _window(name: str, position: int | None) -> tuple[str, int | None]:
    """The part of ``name`` to print and the caret's column in it.

    Characters that would break the line (controls) are shown escaped, so the
    caret stays under the right place; very long names are cut around the mark.
    """
    pos = position if position is not None else 0
    start = max(0, min(pos - _SHOWN // 2, len(name) - _SHOWN))
    end = min(len(name), start + _SHOWN)
    out, caret = [], None
    if start:
        out.append("…")
    for i in range(start, end):
        if i == pos:
            caret = _width("".join(out))
        ch = name[i]
        out.append(ch.encode("unicode_escape").decode("ascii") if not ch.isprintable() else ch)
    if pos >= end:
        caret = _width("".join(out))
    if end < len(name):
        out.append("…")
    return "".join(out), (caret if position is not None else None)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
