"""The vocabulary tables: where the meaning of words in model names lives.

Each ``*.toml`` file beside this module is one table (see ``schema.py`` for
the row models and what every key means):

==================  =========================================================
vendors.toml        who makes models, their Hub namespaces and name words
families.toml       model families (Qwen, Llama …): aliases, vendor, versions
ggml_types.toml     GGML tensor types with exact bits per weight
file_types.toml     llama.cpp file types (Q4_K_M …) and third-party schemes
quant_methods.toml  GPTQ, AWQ, EXL2, MLX … (``quantization.method``)
quant_words.toml    int4, 4bit, nf4, fp8 … spellings of non-GGUF quants
formats.toml        file formats, extensions and the words that imply them
tags.toml           Instruct, Coder, mini, DPO, mmproj, UD … (where each goes)
providers.toml      serving prefixes/suffixes (bedrock/, Pro/, :free)
uploaders.toml      re-uploaders and quantizers (bartowski, TheBloke)
ollama.toml         Ollama library tags that are really another model
==================  =========================================================

Tables are read lazily, once, without validation; ``tests/test_tables.py``
validates every row.  :func:`vocabulary` builds the lookup indexes the reader uses.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

__all__ = ["load", "vocabulary", "Vocabulary", "key"]


@cache
def load(filename: str) -> tuple[dict[str, Any], ...]:
    """The rows of one table file, as plain dicts (unvalidated)."""
    from .schema import TABLES

    array, model = TABLES[filename]
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    defaults = {
        name: f.get_default(call_default_factory=True)
        for name, f in model.model_fields.items()
        if not f.is_required()
    }
    return tuple({**defaults, **row} for row in tomllib.loads(text).get(array, ()))


def key(text: str) -> str:
    """Normalise a spelling for lookup: lower-case, ``_`` and spaces become ``-``."""
    out = text.strip().lower()
    for ch in "_ ":
        out = out.replace(ch, "-")
    return out


@dataclass
class Vocabulary:
    """Lookup indexes over all tables (built once, on first use)."""

    vendors: dict[str, dict[str, Any]] = field(default_factory=dict)  # by name
    vendor_by_org: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case namespace
    vendor_by_word: dict[str, dict[str, Any]] = field(default_factory=dict)  # words in names
    families: dict[str, dict[str, Any]] = field(default_factory=dict)  # by name
    family_by_alias: dict[str, dict[str, Any]] = field(default_factory=dict)
    family_by_prefix: dict[str, dict[str, Any]] = field(default_factory=dict)
    family_starts: dict[str, int] = field(default_factory=dict)  # first word → longest phrase
    ggml_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_types: dict[str, dict[str, Any]] = field(default_factory=dict)  # by alias (lower)
    file_type_by_id: dict[int, dict[str, Any]] = field(default_factory=dict)
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    method_by_alias: dict[str, dict[str, Any]] = field(default_factory=dict)
    quant_words: dict[str, dict[str, Any]] = field(default_factory=dict)
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    format_by_ext: dict[str, dict[str, Any]] = field(default_factory=dict)
    format_by_alias: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)  # by alias
    tag_starts: dict[str, int] = field(default_factory=dict)
    providers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (where, alias)
    uploaders: dict[str, dict[str, Any]] = field(default_factory=dict)
    ollama: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


_FORMAT_METHODS = ("gguf", "ggml", "mlx", "mlc")


def _starts(index: dict[str, Any]) -> dict[str, int]:
    """First word of each multi-word spelling → the most words a spelling starting with it has."""
    out: dict[str, int] = {}
    for spelling in index:
        words = spelling.split("-")
        if len(words) > 1:
            out[words[0]] = max(out.get(words[0], 1), len(words))
    return out


def _index(target: dict[str, Any], words: list[str], row: dict[str, Any]) -> None:
    for word in words:
        target.setdefault(key(word), row)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    v = Vocabulary()
    for row in load("vendors.toml"):
        v.vendors[row["name"]] = row
        for org in row.get("orgs", ()):
            v.vendor_by_org.setdefault(org.lower(), row)
        _index(v.vendor_by_word, [row["name"], *row.get("aliases", ())], row)
    for row in load("families.toml"):
        v.families[row["name"]] = row
        _index(v.family_by_alias, [row["name"], *row.get("aliases", ())], row)
        _index(v.family_by_prefix, list(row.get("prefixes", ())), row)
    v.family_starts = _starts(v.family_by_alias)
    for row in load("ggml_types.toml"):
        v.ggml_types[row["name"]] = row
    for row in load("file_types.toml"):
        for word in [row["scheme"], *row.get("aliases", ())]:
            v.file_types.setdefault(word.lower(), row)
        if row.get("ftype") is not None:
            v.file_type_by_id.setdefault(row["ftype"], row)
    for row in load("quant_methods.toml"):
        v.methods[row["id"]] = row
        if row["id"] not in _FORMAT_METHODS:  # gguf, ggml, mlx, mlc are read as formats
            _index(v.method_by_alias, [row["id"], *row.get("aliases", ())], row)
    for row in load("quant_words.toml"):
        _index(v.quant_words, [row["word"]], row)
    for row in load("formats.toml"):
        v.formats[row["id"]] = row
        for ext in row.get("extensions", ()):
            v.format_by_ext.setdefault(ext.lower(), row)
        _index(v.format_by_alias, list(row.get("aliases", ())), row)
    for row in load("tags.toml"):
        _index(v.tags, [row["word"], *row.get("aliases", ())], row)
    v.tag_starts = _starts(v.tags)
    for row in load("providers.toml"):
        for word in [row["name"], *row.get("aliases", ())]:
            v.providers.setdefault((row["where"], word.lower()), row)
    for row in load("uploaders.toml"):
        for word in [row["name"], *row.get("aliases", ())]:
            v.uploaders.setdefault(word.lower(), row)
    for row in load("ollama.toml"):
        v.ollama.setdefault(row["name"].lower(), []).append(row)
    return v
