"""The vocabulary tables: where the meaning of words in model names lives.

Each ``*.toml`` file beside this module is one table (``schema.py`` has the row models and what
every column means):

==================  =========================================================
vendors.toml        who makes models, their Hub namespaces and name words
families.toml       model families (Qwen, Llama …): aliases, vendor, versions
ggml_types.toml     GGML tensor types with exact bits per weight
file_types.toml     llama.cpp file types (Q4_K_M …) and third-party schemes
quant_methods.toml  GPTQ, AWQ, EXL2, MLX … (``quantization.method``)
quant_words.toml    int4, 4bit, nf4, fp8 … spellings of non-GGUF quants
formats.toml        file formats, extensions and the words that imply them
tags.toml           Instruct, Coder, mini, DPO, mmproj, UD … (where each goes)
functions.toml      the function ids (instruct, coder, tool-use …)
categories.toml     the category ids (chat, embedding …) and Hub pipeline tags
kinds.toml          the shapes of name (hf_repo, gguf_file …)
providers.toml      serving prefixes/suffixes (bedrock/, Pro/, :free) and regions
uploaders.toml      re-uploaders and quantizers (bartowski, TheBloke)
ollama.toml         Ollama library tags that are really another model
architectures.toml  attention shapes of well-known models (KV cache)
==================  =========================================================

:func:`load` reads one table and validates every row into its typed model; :func:`vocabulary`
builds the lookup indexes the reader uses and checks the references between tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .schema import (
    TABLES,
    ApiModel,
    Architecture,
    Category,
    Checkpoint,
    FileType,
    Format,
    Function,
    GgmlType,
    Meaning,
    NameKind,
    OllamaAlias,
    Provider,
    QuantMethod,
    QuantWord,
    Tag,
    Uploader,
    Vendor,
)
from .schema import Family as FamilyRow

__all__ = ["load", "vocabulary", "Vocabulary", "key", "TableError"]


class TableError(ValueError):
    """A table row is invalid or names a row of another table that does not exist."""


@cache
def load(filename: str) -> tuple[Any, ...]:
    """The rows of one table file, as typed rows (``schema.py``), validated when the table was read."""
    return _rows()[filename]


def _read_toml(filename: str) -> tuple[Any, ...]:
    """Read and validate one table from its TOML file."""
    import tomllib

    from pydantic import TypeAdapter, ValidationError

    array, model = TABLES[filename]
    raw = tomllib.loads(_source(filename)).get(array, ())
    try:
        return tuple(TypeAdapter(list[model]).validate_python(raw))  # type: ignore[valid-type]
    except ValidationError as err:
        first = err.errors()[0]
        row = raw[first["loc"][0]] if first["loc"] and isinstance(first["loc"][0], int) else {}
        label = next((row[k] for k in ("name", "scheme", "word", "id") if k in row), "?")
        where = ".".join(str(x) for x in first["loc"][1:])
        raise TableError(f"{filename}: row {label!r}: {where}: {first['msg']}") from None


def _source(filename: str) -> str:
    return (_HERE / filename).read_text(encoding="utf-8")


_HERE = Path(__file__).resolve().parent


ON_DEMAND = ("checkpoints.toml", "api_models.toml")
"""Large tables read only when asked for (a parse needs the reader's indexes of them, not their rows)."""


@cache
def _rows() -> dict[str, tuple[Any, ...]]:
    """Every table's rows: the core tables at once, the :data:`ON_DEMAND` ones on first use."""
    return _OnDemand(_group(tuple(f for f in TABLES if f not in ON_DEMAND), "tables"))


class _OnDemand(dict):  # type: ignore[type-arg]
    """Rows by table file; an on-demand table is read (from the cache or its TOML) when looked up."""

    def __missing__(self, filename: str) -> tuple[Any, ...]:
        if filename not in ON_DEMAND:
            raise KeyError(filename)
        found = _group((filename,), "table-" + filename.split(".")[0])[filename]
        self[filename] = found
        return found


def _group(filenames: tuple[str, ...], what: str) -> dict[str, tuple[Any, ...]]:
    """Rows of these tables: from the cache of validated rows when it matches the TOML files, else
    read and validated from them (and the cache written for next time)."""
    from . import _cache

    stamps = {filename: _stamp(filename) for filename in filenames}
    found = _cache.load_rows(stamps, what)
    if found is not None:
        return found
    rows = {filename: _read_toml(filename) for filename in filenames}
    _cache.save_rows(stamps, rows, what)
    return rows


def _stamp(filename: str) -> str:
    """What identifies a table file's version without reading it: its size and modification time
    (an edit, a checkout or an upgrade changes them)."""
    st = os.stat(_HERE / filename)
    return f"{st.st_size} {st.st_mtime_ns}"


def key(text: str) -> str:
    """Normalise a spelling for lookup: lower-case, ``_`` and spaces become ``-``."""
    out = text.strip().lower()
    for ch in "_ ":
        out = out.replace(ch, "-")
    return out


@dataclass
class Vocabulary:
    """Lookup indexes over all tables (built once, on first use).  Values are typed rows."""

    vendors: dict[str, Vendor] = field(default_factory=dict)  # by name
    vendor_by_org: dict[str, Vendor] = field(default_factory=dict)  # lower-case namespace
    vendor_by_word: dict[str, Vendor] = field(default_factory=dict)  # words in names
    families: dict[str, FamilyRow] = field(default_factory=dict)  # by name
    family_by_alias: dict[str, FamilyRow] = field(default_factory=dict)
    family_by_prefix: dict[str, FamilyRow] = field(default_factory=dict)
    family_starts: dict[str, int] = field(default_factory=dict)  # first word → longest phrase
    ggml_types: dict[str, GgmlType] = field(default_factory=dict)
    ggml_type_by_id: dict[int, GgmlType] = field(default_factory=dict)
    file_types: dict[str, FileType] = field(default_factory=dict)  # by key() of scheme or alias
    file_type_by_id: dict[int, FileType] = field(default_factory=dict)
    file_type_starts: dict[str, int] = field(default_factory=dict)
    methods: dict[str, QuantMethod] = field(default_factory=dict)  # by id
    method_by_alias: dict[str, QuantMethod] = field(default_factory=dict)
    bpw_method: QuantMethod | None = None  # what a bare 4.65bpw is (the first method with bpw)
    quant_words: dict[str, QuantWord] = field(default_factory=dict)
    quant_starts: dict[str, int] = field(default_factory=dict)
    formats: dict[str, Format] = field(default_factory=dict)  # by id, in table order
    containers: frozenset[str] = frozenset()  # llama.cpp container methods (gguf, ggml)
    format_by_ext: dict[str, Format] = field(default_factory=dict)
    format_by_alias: dict[str, Format] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)  # by alias
    tag_starts: dict[str, int] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)  # by id
    categories: dict[str, Category] = field(default_factory=dict)  # by id
    kinds: dict[str, NameKind] = field(default_factory=dict)  # by id
    providers: dict[tuple[str, str], Provider] = field(default_factory=dict)  # (where, alias)
    regions: frozenset[str] = frozenset()  # region words (us, eu, apac …)
    uploaders: dict[str, Uploader] = field(default_factory=dict)
    ollama: dict[str, list[OllamaAlias]] = field(default_factory=dict)
    architectures: tuple[Architecture, ...] = ()
    meanings: dict[str, list[Meaning]] = field(default_factory=dict)  # family name, or "org:" + namespace

    # The large tables are read on first use (a parse uses the indexes the reader keeps of them).

    @cached_property
    def checkpoints(self) -> tuple[Checkpoint, ...]:
        rows = load("checkpoints.toml")
        _check_knowledge(self, rows, ())
        return rows

    @cached_property
    def checkpoint_by_id(self) -> dict[str, Checkpoint]:
        return {row.id: row for row in self.checkpoints}

    @cached_property
    def api_models(self) -> dict[str, ApiModel]:
        """By lower-case id, alias or other service's id."""
        rows = load("api_models.toml")
        _check_knowledge(self, (), rows)
        out: dict[str, ApiModel] = {}
        for row in rows:
            for spelling in (row.id, *row.aliases, *row.other_ids):
                out.setdefault(spelling.lower(), row)
        return out

    @cached_property
    def api_ids(self) -> dict[str, list[str]]:
        """Family → its real ids and aliases (for suggestions)."""
        out: dict[str, list[str]] = {}
        for row in load("api_models.toml"):
            out.setdefault(row.family, []).extend((row.id, *row.aliases))
        return out


def _starts(index: dict[str, Any]) -> dict[str, int]:
    """First word of each multi-word spelling → the most words a spelling starting with it has."""
    out: dict[str, int] = {}
    for spelling in index:
        words = spelling.split("-")
        if len(words) > 1:
            out[words[0]] = max(out.get(words[0], 1), len(words))
    return out


def _index(target: dict[str, Any], words: tuple[str, ...] | list[str], row: Any) -> None:
    for word in words:
        target.setdefault(key(word), row)


@cache
def vocabulary() -> Vocabulary:
    """The lookup indexes over every table, with the references between tables checked."""
    v = Vocabulary()
    _words(v)
    _quants(v)
    _services(v)
    _check(v)
    return v


def _words(v: Vocabulary) -> None:
    for row in load("vendors.toml"):
        v.vendors[row.name] = row
        for org in row.orgs:
            v.vendor_by_org.setdefault(org.lower(), row)
        _index(v.vendor_by_word, (row.name, *row.aliases), row)
    for row in load("families.toml"):
        v.families[row.name] = row
        _index(v.family_by_alias, (row.name, *row.aliases), row)
        _index(v.family_by_prefix, row.prefixes, row)
    v.family_starts = _starts(v.family_by_alias)
    for row in load("tags.toml"):
        _index(v.tags, (row.word, *row.aliases), row)
    v.tag_starts = _starts(v.tags)
    v.functions = {row.id: row for row in load("functions.toml")}
    v.categories = {row.id: row for row in load("categories.toml")}
    v.kinds = {row.id: row for row in load("kinds.toml")}


def _quants(v: Vocabulary) -> None:
    for row in load("ggml_types.toml"):
        v.ggml_types[row.name] = row
        v.ggml_type_by_id.setdefault(row.id, row)
    for row in load("file_types.toml"):
        _index(v.file_types, (row.scheme, *row.aliases), row)
        if row.ftype is not None:
            v.file_type_by_id.setdefault(row.ftype, row)
    v.file_type_starts = _starts(v.file_types)
    for row in load("quant_methods.toml"):
        v.methods[row.id] = row
        if not row.as_format:  # gguf, ggml, mlx, mlc are read as formats
            _index(v.method_by_alias, (row.id, *row.aliases), row)
        if row.bpw and v.bpw_method is None:
            v.bpw_method = row
    for row in load("quant_words.toml"):
        _index(v.quant_words, (row.word, *row.aliases), row)
    v.quant_starts = _starts(v.quant_words)
    for row in load("formats.toml"):
        v.formats[row.id] = row
        for ext in row.extensions:
            v.format_by_ext.setdefault(ext.lower(), row)
        _index(v.format_by_alias, row.aliases, row)
    v.containers = frozenset(f.container for f in v.formats.values() if f.container)


def _services(v: Vocabulary) -> None:
    regions: set[str] = set()
    for row in load("providers.toml"):
        for word in (row.name, *row.aliases):
            v.providers.setdefault((row.where, word.lower()), row)
            if row.region:
                regions.add(word.lower())
    v.regions = frozenset(regions)
    for row in load("uploaders.toml"):
        for word in (row.name, *row.aliases):
            v.uploaders.setdefault(word.lower(), row)
    for row in load("ollama.toml"):
        v.ollama.setdefault(row.name.lower(), []).append(row)
    v.architectures = load("architectures.toml")
    for row in load("meanings.toml"):
        where = row.family if row.family is not None else f"org:{(row.organization or '').lower()}"
        v.meanings.setdefault(where, []).append(row)


def _check(v: Vocabulary) -> None:
    """Every reference from one table to another names an existing row."""
    problems: list[str] = []

    def need(ok: bool, text: str) -> None:
        if not ok:
            problems.append(text)

    for fam in v.families.values():
        need(fam.vendor in v.vendors, f"families.toml: {fam.name}: unknown vendor {fam.vendor!r}")
        need(
            fam.category in v.categories or fam.category == "none",
            f"families.toml: {fam.name}: unknown category {fam.category!r}",
        )
        for fn in (*fam.functions, *(fn for note in fam.versions.values() for fn in note.functions)):
            need(fn in v.functions, f"families.toml: {fam.name}: unknown function {fn!r}")
    for tag in v.tags.values():
        if tag.field == "functions":
            need(tag.id in v.functions, f"tags.toml: {tag.word}: unknown function {tag.id!r}")
        need(
            tag.category is None or tag.category in v.categories,
            f"tags.toml: {tag.word}: unknown category {tag.category!r}",
        )
    for word in v.quant_words.values():
        need(
            word.method is None or word.method in v.methods,
            f"quant_words.toml: {word.word}: unknown method {word.method!r}",
        )
    for ft in v.file_types.values():
        need(ft.tensor_type in v.ggml_types, f"file_types.toml: {ft.scheme}: unknown tensor type")
    for method in v.methods.values():
        need(
            method.format is None or method.format in v.formats,
            f"quant_methods.toml: {method.id}: unknown format {method.format!r}",
        )
    for rows in v.meanings.values():
        for m in rows:
            need(
                (m.family is None) != (m.organization is None),
                f"meanings.toml: {m.en[:30]}: a family or an organization",
            )
            need(m.family is None or m.family in v.families, f"meanings.toml: unknown family {m.family!r}")
            need(bool(m.words) != (m.shape is not None), f"meanings.toml: {m.en[:30]}: words or a shape")
            need(
                (m.means == "attribute") == (m.attribute is not None),
                f"meanings.toml: {m.en[:30]}: attribute",
            )
            need(
                m.means != "version" or m.value is not None,
                f"meanings.toml: {m.en[:30]}: a version needs a value",
            )
    for up in v.uploaders.values():
        need(up.format is None or up.format in v.formats, f"uploaders.toml: {up.name}: unknown format")
    if problems:
        raise TableError("; ".join(sorted(set(problems))))


def _check_knowledge(v: Vocabulary, checkpoints: tuple[Any, ...], api_models: tuple[Any, ...]) -> None:
    """The references of the on-demand tables, checked when they are read."""
    problems = []
    for cp in checkpoints:
        if cp.family not in v.families:
            problems.append(f"checkpoints.toml: {cp.id}: unknown family {cp.family!r}")
        if cp.active is not None and cp.total is not None and cp.active > cp.total:
            problems.append(f"checkpoints.toml: {cp.id}: more active than total")
    for api in api_models:
        if api.family not in v.families:
            problems.append(f"api_models.toml: {api.id}: unknown family {api.family!r}")
        if api.vendor not in v.vendors:
            problems.append(f"api_models.toml: {api.id}: unknown vendor {api.vendor!r}")
    if problems:
        raise TableError("; ".join(sorted(set(problems))))
