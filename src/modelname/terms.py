"""Look up a single term (``Q4_K_M``, ``AWQ``, ``distill``, ``mmproj``, ``Qwen``) in every table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tables import key, load

__all__ = ["Term", "lookup_term", "TERM_TABLES"]


# table file, what the table is called in output, the keys that name an entry
TERM_TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("file_types.toml", "llama.cpp quant type", ("scheme", "aliases")),
    ("ggml_types.toml", "GGML tensor type", ("name",)),
    ("quant_methods.toml", "quantization method", ("name", "id", "aliases")),
    ("quant_words.toml", "quantization", ("word",)),
    ("formats.toml", "file format", ("name", "id", "aliases", "extensions")),
    ("tags.toml", "name tag", ("word", "aliases")),
    ("families.toml", "model family", ("name", "aliases")),
    ("vendors.toml", "vendor", ("name", "zh_name", "aliases", "orgs")),
    ("providers.toml", "serving provider", ("name", "aliases")),
    ("uploaders.toml", "uploader", ("name", "aliases")),
)


@dataclass(frozen=True)
class Term:
    text: str
    title: str
    kind: str
    en: str
    zh: str
    source: str | None
    row: dict[str, Any]


def lookup_term(text: str) -> Term | None:
    """The first table entry whose name or alias is ``text`` (case-insensitive), or None."""
    wanted = key(text.strip().lstrip("."))
    if not wanted:
        return None
    for filename, kind, fields in TERM_TABLES:
        for row in load(filename):
            for f in fields:
                value = getattr(row, f, None)
                values = value if isinstance(value, (list, tuple)) else [value]
                if any(isinstance(v, str) and key(v) == wanted for v in values):
                    title = _title(row) or text
                    return Term(text, str(title), kind, row.en, row.zh, getattr(row, "source", None), row)
    return None


def _title(row: Any) -> str | None:
    """The name a table row is known by (scheme, name, word or id, whichever it has)."""
    for field in ("scheme", "name", "word", "id"):
        value = getattr(row, field, None)
        if value:
            return str(value)
    return None
