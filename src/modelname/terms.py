"""Look up a single term (``Q4_K_M``, ``AWQ``, ``distill``, ``mmproj``, ``Qwen``) in every table."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from .tables import key, load

__all__ = ["Term", "lookup_term", "loose_code", "term_json", "TERM_TABLES"]


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
            if getattr(row, "as_format", False):
                continue  # a method that is a file format (GGUF, MLX) is the format's entry
            for f in fields:
                value = getattr(row, f, None)
                values = value if isinstance(value, (list, tuple)) else [value]
                if any(isinstance(v, str) and key(v) == wanted for v in values):
                    title = _title(row) or text
                    return Term(text, str(title), kind, row.en, row.zh, getattr(row, "source", None), row)
    return loose_code(text.strip())


_LOOSE = re.compile(r"(?i)^(i?q)(\d)$")


def loose_code(text: str) -> Term | None:
    """A llama.cpp code cut short (``Q4``, ``IQ3``): the bits are said, the scheme is not — the
    file types of that width are the candidates, and their whole-file averages the range."""
    m = _LOOSE.match(text)
    if m is None:
        return None
    prefix = key(text) + "-"
    rows = [r for r in load("file_types.toml") if key(r.scheme).startswith(prefix) and not r.removed]
    if not rows:
        return None
    schemes = ", ".join(r.scheme for r in rows)
    averages = sorted(r.file_bits_per_weight for r in rows if r.file_bits_per_weight)
    bits = m.group(2)
    span_en = span_zh = ""
    if averages:
        span_en = f"; whole files of these average {averages[0]:.1f}–{averages[-1]:.1f} bits per weight"
        span_zh = f"；这些方案的整个文件平均每权重 {averages[0]:.1f}–{averages[-1]:.1f} 位"
    en = (
        f"{text.upper()}: a {bits}-bit llama.cpp quantization, but not a scheme of its own — the label does not "
        f"say which {bits}-bit scheme ({schemes}){span_en}. The GGUF header (modelname inspect FILE) has the exact type."
    )
    zh = (
        f"{text.upper()}：llama.cpp 的 {bits} 位量化，但它本身不是一种方案——没有说明是哪种 {bits} 位方案"
        f"（{schemes.replace(', ', '、')}）{span_zh}。确切类型见 GGUF 文件头（modelname inspect 文件）。"
    )
    return Term(
        text,
        text.upper(),
        "llama.cpp quant type",
        en,
        zh,
        None,
        {"scheme": text.upper(), "candidates": [r.scheme for r in rows]},
    )


def _title(row: Any) -> str | None:
    """The name a table row is known by (scheme, name, word or id, whichever it has)."""
    for field in ("scheme", "name", "word", "id"):
        value = getattr(row, field, None)
        if value:
            return str(value)
    return None


def term_json(term: Term) -> dict[str, Any]:
    """A term as JSON: ``term`` (what was asked; a name's JSON has ``name`` instead), the table it is
    in, and its entry as ``vocab --json`` prints it (a cut-short code: its candidates)."""
    row = term.row
    entry = (
        dataclasses.asdict(row) if dataclasses.is_dataclass(row) and not isinstance(row, type) else dict(row)
    )
    table = next((f for f, kind, _ in TERM_TABLES if kind == term.kind), None)
    if "candidates" in entry:
        entry.update(en=term.en, zh=term.zh)
    return {"term": term.text, "title": term.title, "kind": term.kind, "table": table, "entry": entry}
