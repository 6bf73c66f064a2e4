"""Batch annotation: whole listings of names (Hub, ModelScope, Ollama, API catalogues) to flat rows.

>>> rows = modelname.annotate(["Qwen/Qwen2.5-7B-Instruct", "a//b"])
>>> [(r.family, r.parameters_total, r.error) for r in rows]
[('Qwen', 7000000000, None), (None, None, "invalid name: unexpected character '/' (at character 3)")]

Each input row gives exactly one :class:`AnnotatedRow` (with ``files=True``, one per
record and file), in input order; rows that cannot be read carry ``error`` and
``line`` instead of failing the run.  The columns (:data:`COLUMNS`) are flat
scalars with a fixed Arrow type each (:data:`OUTPUT_SCHEMA`), the same in JSON
lines, CSV and Parquet.

:func:`annotate_table` is the batch function for data frames (pandas, pyarrow)
and so for Dask ``map_partitions``, Spark ``mapInArrow`` (via
:func:`annotate_batches`) and Ray ``map_batches``.

pyarrow and pandas are imported only when a table or Parquet is used.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from ._parse import parse_uncached
from .errors import InvalidModelName

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "annotate",
    "annotate_table",
    "annotate_batches",
    "annotate_listing",
    "output_schema",
    "AnnotatedRow",
    "Summary",
    "COLUMNS",
    "OUTPUT_SCHEMA",
    "NAME_COLUMNS",
    "AnnotateError",
    "AnnotateUsageError",
    "AnnotateStopped",
]

CACHE_SIZE = 65536
"""Distinct names remembered per process; repeated names (common in file listings) are parsed once."""
CHUNK_SIZE = 2000
"""Rows per task sent to a worker process with ``jobs > 1``."""
NAME_COLUMNS = ("id", "modelId", "name")
"""Where the name is looked for, in this order, when no column is given."""


class AnnotatedRow(NamedTuple):
    """One annotated row: the name's parts as flat columns, plus the input row's own columns in ``input``.

    Lists (``functions``, ``finetune``, ``training``, ``unrecognized``, ``guessed``) are joined with ``,``.
    """

    name: str | None
    """The name that was read: the line, or the record's id."""
    file: str | None
    """With ``files=True``: the file's path in the repository (``siblings[].rfilename``)."""
    kind: str | None
    provider: str | None
    organization: str | None
    vendor: str | None
    family: str | None
    version: str | None
    variant: str | None
    parameters_label: str | None
    parameters_total: int | None
    parameters_active: int | None
    parameters_experts: int | None
    parameters_effective: int | None
    context_length: int | None
    date: str | None
    distill_teacher: str | None
    distill_base: str | None
    base_model: str | None
    functions: str | None
    category: str | None
    finetune: str | None
    training: str | None
    quantization_scheme: str | None
    quantization_method: str | None
    quantization_bits: float | None
    quantization_bits_per_weight: float | None
    quantization_file_bits_per_weight: float | None
    quantization_imatrix: bool | None
    quantization_dynamic: bool | None
    format_id: str | None
    format_extension: str | None
    role: str | None
    shard_index: int | None
    shard_total: int | None
    resolved_name: str | None
    canonical: str | None
    unrecognized: str | None
    recognized: bool | None
    """True when every token of the name was placed (``unrecognized`` is empty)."""
    guessed: str | None
    """Fields read from shape or position alone (provenance ``pattern``), not from a table."""
    hub_base_model: str | None
    """Repo id(s) from the listing's ``base_model:…`` tags."""
    hub_base_relation: str | None
    """``quantized``, ``finetune``, ``adapter`` or ``merge``, from ``base_model:<relation>:…`` tags."""
    hub_filled: str | None
    """Columns filled from listing metadata rather than the name (``category,format_id``)."""
    conflicts: str | None
    """Clear disagreements between the name and the listing's tags, ``; ``-separated."""
    error: str | None
    """Why the row could not be annotated (invalid name, broken JSON, record with no id)."""
    line: int | None
    """1-based line of the input row (row number for Parquet and tables)."""
    explanations: str | None = None
    """With ``lang``: one plain sentence per recognized part, `` | ``-separated."""
    input: Mapping[str, Any] = {}
    """The input record's own columns (not ``siblings``), passed through."""

    def to_dict(self, explanations: bool = False) -> dict[str, Any]:
        """The flat row: the input's columns first (``input_…`` when a name clashes), then :data:`COLUMNS`."""
        out: dict[str, Any] = {_passthrough_name(k): v for k, v in self.input.items()}
        out.update(zip(COLUMNS, self))
        if explanations:
            out["explanations"] = self.explanations
        return out


COLUMNS: tuple[str, ...] = AnnotatedRow._fields[:-2]
"""The annotation columns, in output order (the same in every format)."""

_RESERVED = frozenset((*COLUMNS, "explanations"))

_INT = frozenset(
    (
        "parameters_total",
        "parameters_active",
        "parameters_experts",
        "parameters_effective",
        "context_length",
        "shard_index",
        "shard_total",
        "line",
    )
)
_FLOAT = frozenset(("quantization_bits", "quantization_bits_per_weight", "quantization_file_bits_per_weight"))
_BOOL = frozenset(("quantization_imatrix", "quantization_dynamic", "recognized"))
COLUMN_TYPES: dict[str, str] = {
    c: "int64" if c in _INT else "float64" if c in _FLOAT else "bool" if c in _BOOL else "string"
    for c in COLUMNS
}
"""Arrow type of each column, by name (``string``, ``int64``, ``float64``, ``bool``)."""

# Types of the Hub listing's own fields when they come from JSON (for Parquet output).
_HUB_TYPES = {
    "downloads": "int64",
    "downloadsAllTime": "int64",
    "likes": "int64",
    "trendingScore": "float64",
    "private": "bool",
    "disabled": "bool",
    "tags": "list<string>",
}


OUTPUT_SCHEMA: pa.Schema
"""The Arrow schema of :data:`COLUMNS` (built on first use, so pyarrow stays optional)."""


def _passthrough_name(column: str) -> str:
    return f"input_{column}" if column in _RESERVED else column


def __getattr__(name: str) -> Any:  # PEP 562: OUTPUT_SCHEMA is built on first use (pyarrow is optional)
    if name == "OUTPUT_SCHEMA":
        schema = output_schema()
        globals()["OUTPUT_SCHEMA"] = schema
        return schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _arrow_type(spec: Any) -> Any:
    import pyarrow as pa

    if not isinstance(spec, str):
        return spec
    return {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "list<string>": pa.list_(pa.string()),
    }[spec]


def output_schema(input_schema: pa.Schema | None = None, *, lang: str | None = None) -> pa.Schema:
    """The Arrow schema of annotated rows: ``input_schema``'s fields (renamed ``input_…`` on a clash),
    then :data:`COLUMNS` (then ``explanations`` with ``lang``).  With no argument: :data:`OUTPUT_SCHEMA`."""
    import pyarrow as pa

    fields = []
    if input_schema is not None:
        fields = [field.with_name(_passthrough_name(field.name)) for field in input_schema]
    fields += [pa.field(c, _arrow_type(COLUMN_TYPES[c])) for c in COLUMNS]
    if lang:
        fields.append(pa.field("explanations", pa.string()))
    return pa.schema(fields)


# --------------------------------------------------------------------------- one name → flat values

_PARSE_COLUMNS = COLUMNS[2 : COLUMNS.index("guessed") + 1]
_P = {c: i for i, c in enumerate(_PARSE_COLUMNS)}

# Provenance field → its columns; identity parts come from the repo id, file parts from the file.
_GROUPS: dict[str, tuple[int, ...]] = {
    "provider": (_P["provider"],),
    "organization": (_P["organization"],),
    "vendor": (_P["vendor"],),
    "family": (_P["family"],),
    "version": (_P["version"],),
    "variant": (_P["variant"],),
    "parameters": tuple(_P[c] for c in _PARSE_COLUMNS if c.startswith("parameters_")),
    "context_length": (_P["context_length"],),
    "date": (_P["date"],),
    "distill": (_P["distill_teacher"], _P["distill_base"]),
    "base_model": (_P["base_model"],),
    "functions": (_P["functions"],),
    "category": (_P["category"],),
    "finetune": (_P["finetune"],),
    "training": (_P["training"],),
    "resolved": (_P["resolved_name"],),
    "quantization": tuple(_P[c] for c in _PARSE_COLUMNS if c.startswith("quantization_")),
    "format": (_P["format_id"], _P["format_extension"]),
    "role": (_P["role"],),
    "shard": (_P["shard_index"], _P["shard_total"]),
}
_FILE_GROUPS = ("quantization", "format", "role", "shard")
_IDENTITY_GROUPS = tuple(g for g in _GROUPS if g not in _FILE_GROUPS)
_FILE_EXPLAINED = frozenset(("kind", "quantization", "format", "role", "shard", "size"))


class _Flat(NamedTuple):
    values: tuple[Any, ...]  # in _PARSE_COLUMNS order
    guessed: frozenset[str]
    explanations: tuple[tuple[str, str], ...] | None




def _join(items: Sequence[str]) -> str | None:
    return ",".join(items) if items else None


def _number(value: float | None) -> float | int | None:
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def _flatten(m: Any, lang: str | None) -> _Flat:
    p, q, f, s, d, r = m.parameters, m.quantization, m.format, m.shard, m.distill, m.resolved
    guessed = frozenset(field for field, source in m.provenance if source == "pattern")
    values = (
        m.kind,
        m.provider,
        m.organization,
        m.vendor,
        m.family,
        m.version,
        m.variant,
        p.label if p else None,
        p.total if p else None,
        p.active if p else None,
        p.experts if p else None,
        p.effective if p else None,
        m.context_length,
        m.date,
        d.teacher if d else None,
        d.base if d else None,
        m.base_model,
        _join(m.functions),
        m.category,
        _join(m.finetune),
        _join(m.training),
        q.scheme if q else None,
        q.method if q else None,
        _number(q.bits) if q else None,
        _number(q.bits_per_weight) if q else None,
        _number(q.file_bits_per_weight) if q else None,
        q.imatrix if q else None,
        q.dynamic if q else None,
        f.id if f else None,
        f.extension if f else None,
        m.role,
        s.index if s else None,
        s.total if s else None,
        r.name if r else None,
        m.canonical,
        _join(m.unrecognized),
        not m.unrecognized,
        _join([g for g in _GROUPS if g in guessed]),
    )
    explained = None
    if lang:
        explained = tuple((e.field, e.zh if lang == "zh" else e.en) for e in m.explanations)
    return _Flat(values, guessed, explained)


def _invalid(err: InvalidModelName) -> str:
    where = "" if err.position is None else f" (at character {err.position + 1})"
    return f"invalid name: {err.reason}{where}"


@lru_cache(maxsize=CACHE_SIZE)
def _flat(name: str, lang: str | None) -> _Flat | str:
    """The flat values of one name (cached), or the reason it is not a name."""
    try:
        m = parse_uncached(name)
        return _flatten(m, lang)
    except InvalidModelName as err:
        return _invalid(err)
    except Exception as err:  # a bug in the reader must not stop a run of millions: the row says so
        return f"internal error: {type(err).__name__}: {err}"


def _filled(values: Sequence[Any], group: str) -> bool:
    return any(values[i] is not None for i in _GROUPS[group])


def _merge(repo: _Flat, file: _Flat | str) -> _Flat:
    """A repo id and one of its files read together: who made it from the repo, quant/format/shard from the file.

    When the repo's family is only a guess and the file names a known family, the file's reading wins.
    Parts the main reading lacks are taken from the other one (from the file only when known from a table).
    A file that is not a model file (``.gitattributes``, ``config.json``) has no file parts.
    """
    f = file if isinstance(file, _Flat) and file.values[_P["kind"]] in ("gguf_file", "file") else None
    rv = repo.values
    out = list(rv)
    guessed: set[str] = set()
    fv = f.values if f else None
    from_file = (
        f is not None
        and "family" in repo.guessed
        and fv[_P["family"]] is not None
        and "family" not in f.guessed  # type: ignore[index]
    )
    for group in _IDENTITY_GROUPS:
        idx = _GROUPS[group]
        if group in ("provider", "organization") or fv is None:
            source, src_guessed = rv, repo.guessed
        elif from_file:
            source, src_guessed = (fv, f.guessed) if _filled(fv, group) else (rv, repo.guessed)  # type: ignore[union-attr]
        elif not _filled(rv, group) and _filled(fv, group) and group not in f.guessed:  # type: ignore[union-attr]
            source, src_guessed = fv, f.guessed  # type: ignore[union-attr]
        else:
            source, src_guessed = rv, repo.guessed
        for i in idx:
            out[i] = source[i]
        if group in src_guessed and _filled(source, group):
            guessed.add(group)
    for group in _FILE_GROUPS:
        idx = _GROUPS[group]
        source = None
        if fv is not None and _filled(fv, group):
            source, src_guessed = fv, f.guessed  # type: ignore[union-attr]
        elif group == "quantization" and fv is not None and fv[_P["role"]] == "model" and _filled(rv, group):
            source, src_guessed = rv, repo.guessed  # an AWQ repo's model.safetensors is AWQ
        for i in idx:
            out[i] = source[i] if source is not None else None
        if source is not None and group in src_guessed:
            guessed.add(group)
    out[_P["kind"]] = fv[_P["kind"]] if fv is not None else "file"
    out[_P["canonical"]] = fv[_P["canonical"]] if fv is not None else None
    tokens = [t for t in (rv[_P["unrecognized"]], fv[_P["unrecognized"]] if fv else None) if t]
    out[_P["unrecognized"]] = ",".join(tokens) or None
    out[_P["recognized"]] = not tokens
    out[_P["guessed"]] = _join([g for g in _GROUPS if g in guessed])
    explained = None
    if repo.explanations is not None:
        explained = tuple(e for e in repo.explanations if e[0] not in _FILE_EXPLAINED)
        if f is not None and f.explanations is not None:
            explained += tuple(e for e in f.explanations if e[0] in _FILE_EXPLAINED)
    return _Flat(tuple(out), frozenset(guessed), explained)


# --------------------------------------------------------------------------- listing metadata (Hub tags)

_PIPELINE_CATEGORY = {
    "text-generation": "chat",
    "image-text-to-text": "chat",
    "sentence-similarity": "embedding",
    "feature-extraction": "embedding",
    "text-ranking": "reranker",
    "automatic-speech-recognition": "speech",
    "text-to-speech": "speech",
    "text-to-image": "image-generation",
    "image-to-image": "image-generation",
    "text-to-video": "video",
    "image-to-video": "video",
}
_FORMAT_TAGS = ("gguf", "mlx", "onnx", "coreml", "tflite", "keras", "safetensors")
_METHOD_TAGS = {
    "awq": "awq",
    "gptq": "gptq",
    "bitsandbytes": "bnb",
    "exl2": "exl2",
    "exl3": "exl3",
    "fp8": "fp8",
    "hqq": "hqq",
    "aqlm": "aqlm",
}
_RELATIONS = ("quantized", "finetune", "adapter", "merge")
_BITS_TAG = re.compile(r"(\d+)-bit")


def _base_family(repo_id: str) -> str | None:
    """The known (table) family a ``base_model:`` repo id names, else None."""
    flat = _flat(repo_id, None)
    if isinstance(flat, str) or "family" in flat.guessed:
        return None
    return flat.values[_P["family"]]


def _names_family(values: Sequence[Any], family: str) -> bool:
    fam = family.lower()
    for i in (_P["family"], _P["base_model"], _P["distill_base"], _P["distill_teacher"]):
        text = values[i]
        if text is not None:
            text = text.lower()
            if text == fam or text.startswith((fam + " ", fam + "-")):
                return True
    return False


def _apply_hub(
    out: list[Any],
    guessed: frozenset[str],
    tags: tuple[str, ...],
    pipeline_tag: str | None,
    library_name: str | None,
    is_file: bool,
) -> tuple[str | None, str | None, str | None, str | None]:
    """Use the listing's tags: fill empty columns, find disagreements.  Returns the four hub columns."""
    bases: list[str] = []
    relations: list[str] = []
    tagset = set(tags)
    bits: set[int] = set()
    methods: list[str] = []
    for tag in tags:
        if tag.startswith("base_model:"):
            rest = tag[len("base_model:") :]
            relation, sep, repo = rest.partition(":")
            if sep and relation in _RELATIONS:
                if relation not in relations:
                    relations.append(relation)
            else:
                repo = rest
            if repo and repo not in bases:
                bases.append(repo)
        elif (match := _BITS_TAG.fullmatch(tag)) is not None:
            bits.add(int(match.group(1)))
        elif tag in _METHOD_TAGS and _METHOD_TAGS[tag] not in methods:
            methods.append(_METHOD_TAGS[tag])
    filled: list[str] = []
    conflicts: list[str] = []

    # category from pipeline_tag
    category = _PIPELINE_CATEGORY.get(pipeline_tag or "")
    have = out[_P["category"]]
    if category is not None:
        if have is None:
            out[_P["category"]] = category
            filled.append("category")
        elif have != category:
            conflicts.append(f"category: name says {have}, pipeline_tag says {pipeline_tag}")
        if pipeline_tag == "image-text-to-text":
            functions = out[_P["functions"]]
            if functions is None or "vision" not in functions.split(","):
                out[_P["functions"]] = f"{functions},vision" if functions else "vision"
                filled.append("functions")

    if not is_file:  # a repo's tags describe the repo, not each of its files
        formats = [t for t in _FORMAT_TAGS if t in tagset or t == library_name]
        fmt = out[_P["format_id"]]
        if fmt is None and formats:
            out[_P["format_id"]] = formats[0]
            filled.append("format_id")
        elif fmt is not None and ("gguf" in formats) != (fmt in ("gguf", "ggml")) and formats:
            conflicts.append(f"format: name says {fmt}, tags say {','.join(formats)}")
        have_bits = out[_P["quantization_bits"]]
        if bits and have_bits is not None and int(have_bits) not in bits:
            said = ",".join(f"{b}-bit" for b in sorted(bits))
            conflicts.append(f"quantization_bits: name says {have_bits}, tags say {said}")
        elif len(bits) == 1 and have_bits is None:
            out[_P["quantization_bits"]] = next(iter(bits))
            filled.append("quantization_bits")
        if len(methods) == 1 and out[_P["quantization_method"]] is None:
            out[_P["quantization_method"]] = methods[0]
            filled.append("quantization_method")

    if bases and out[_P["family"]] is not None and "family" not in guessed:
        families = [f for f in (_base_family(b) for b in bases) if f is not None]
        if families and not any(_names_family(out, f) for f in families):
            conflicts.append(
                f"family: name says {out[_P['family']]}, base_model tag says {families[0]} ({bases[0]})"
            )
    return (
        ",".join(bases) or None,
        ",".join(relations) or None,
        ",".join(filled) or None,
        "; ".join(conflicts) or None,
    )


# --------------------------------------------------------------------------- one input row → items

# An item is one output row's work: (name, file, tags, pipeline_tag, library_name, error, line).
_Item = tuple[Any, Any, tuple[str, ...], Any, Any, Any, int]
_NO_TAGS: tuple[str, ...] = ()


def _annotate_item(item: _Item, lang: str | None) -> tuple[Any, ...]:
    """The values of one output row, in :data:`COLUMNS` order, then ``explanations``."""
    name, file, tags, pipeline_tag, library_name, error, line = item
    if error is None:
        flat = _flat(name, lang)
        if isinstance(flat, str):
            error = flat
    if error is not None:
        return (name, file, *_EMPTY, None, None, None, None, error, line, None)
    if file is not None:
        flat = _merge(flat, _flat(file.rpartition("/")[2], lang))  # type: ignore[arg-type]
    if tags or pipeline_tag or library_name:
        out = list(flat.values)  # type: ignore[union-attr]
        hub = _apply_hub(out, flat.guessed, tags, pipeline_tag, library_name, file is not None)  # type: ignore[union-attr]
        values: Sequence[Any] = out
    else:
        values, hub = flat.values, (None, None, None, None)  # type: ignore[union-attr]
    explained = None
    if flat.explanations is not None:  # type: ignore[union-attr]
        explained = " | ".join(text for _, text in flat.explanations)  # type: ignore[union-attr]
    return (name, file, *values, *hub, None, line, explained)


_EMPTY = (None,) * len(_PARSE_COLUMNS)


def _annotate_items(items: list[_Item], lang: str | None) -> list[tuple[Any, ...]]:
    return [_annotate_item(item, lang) for item in items]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None or isinstance(value, float):  # NaN from pandas
        return _NO_TAGS
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):  # JSON text, or a Python list's repr (pandas writes those to CSV)
            import ast
            import json

            try:
                value = json.loads(value)
            except ValueError:
                try:
                    value = ast.literal_eval(value)
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    return _NO_TAGS
        else:
            return tuple(t.strip() for t in value.split(",") if t.strip())
    try:
        return tuple(t for t in value if isinstance(t, str))
    except TypeError:
        return _NO_TAGS


def _kind_of(value: Any) -> str:
    return {list: "a JSON array", int: "a number", float: "a number", bool: "true or false"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _items(
    rows: Iterable[tuple[int, Any, str | None]], column: str | None, files: bool
) -> Iterator[tuple[Mapping[str, Any] | None, _Item]]:
    """Each input row ``(line, value, error)`` → one (or, with ``files``, several) ``(input, item)``.

    A row with an error is one error row; when it still has a value (text that had to be repaired, a
    CSV row with too few cells) its name and columns are kept in that row.
    """
    for line, value, error in rows:
        if error is not None:
            name = value if isinstance(value, str) else None
            data = None
            if isinstance(value, Mapping):
                data = {k: v for k, v in value.items() if k != "siblings"}
                name = _name_of(value, column)[1]
            yield data, (name if isinstance(name, str) else None, None, _NO_TAGS, None, None, error, line)
            continue
        if isinstance(value, str):
            yield None, (value, None, _NO_TAGS, None, None, None, line)
            continue
        if not isinstance(value, Mapping):
            yield None, (None, None, _NO_TAGS, None, None, f"not a model record: {_kind_of(value)}", line)
            continue
        siblings = value.get("siblings")
        data = {k: v for k, v in value.items() if k != "siblings"} if siblings is not None else value
        key, name = _name_of(value, column)
        if not isinstance(name, str) or not name:
            if _missing(name):
                error = "record has no id" if column is None else f"record has no {column}"
            else:
                error = f"record {key} is not text: {name!r}"
            yield data, (None, None, _NO_TAGS, None, None, error, line)
            continue
        tags = _tags(value.get("tags"))
        pipeline_tag, library_name = _text(value.get("pipeline_tag")), _text(value.get("library_name"))
        paths = _sibling_paths(siblings) if files else []
        if not paths:
            yield data, (name, None, tags, pipeline_tag, library_name, None, line)
            continue
        for path in paths:
            if path is None:
                yield data, (name, None, tags, None, None, "file entry has no rfilename", line)
            else:
                yield data, (name, path, tags, pipeline_tag, library_name, None, line)


def _name_of(record: Mapping[str, Any], column: str | None) -> tuple[str, Any]:
    """The key holding a record's name and its value: ``column``, else the first of :data:`NAME_COLUMNS`."""
    if column is not None:
        return column, record.get(column)
    key = next((k for k in NAME_COLUMNS if isinstance(record.get(k), str) and record.get(k)), None) or next(
        (k for k in NAME_COLUMNS if k in record), "id"
    )
    return key, record.get(key)


def _missing(value: Any) -> bool:
    """None, empty, NaN or pandas' NA/NaT."""
    if value is None or isinstance(value, str):
        return not value
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _sibling_paths(siblings: Any) -> list[str | None]:
    if siblings is None or isinstance(siblings, (str, bytes, float)):
        return []
    paths: list[str | None] = []
    try:
        for entry in siblings:
            if isinstance(entry, Mapping):
                path = entry.get("rfilename")
            else:
                path = getattr(entry, "rfilename", entry)
            paths.append(path if isinstance(path, str) and path else None)
    except TypeError:
        return []
    return paths


# --------------------------------------------------------------------------- running: one process or several


PARENT_POLL = 1.0
"""Seconds a worker waits for work before it checks that its parent is still alive."""


def _worker_main(inbox: Any, outbox: Any, lang: str | None) -> None:
    """A worker process: annotate the chunks it is sent until it is sent None, or its parent dies."""
    import queue

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    parent = os.getppid()
    _die_with_parent(parent)
    while True:
        try:
            task = inbox.get(timeout=PARENT_POLL)
        except queue.Empty:
            if os.getppid() != parent:  # the parent was killed (SIGKILL): nobody will read the results
                os._exit(1)
            continue
        if task is None:
            return
        number, shard, items = task
        outbox.put((number, shard, _annotate_items(items, lang)))


def _die_with_parent(parent: int) -> None:
    """On Linux, ask the kernel to kill this process when its parent dies (``PR_SET_PDEATHSIG``).

    Elsewhere the worker notices by polling ``os.getppid()`` between tasks.  If the parent died
    before the request was made, exit now.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


class _Workers:
    """Worker processes, each with its own cache; results come back in input order.

    Rows are read in chunks of :data:`CHUNK_SIZE`; each chunk's rows are shared out by a hash of the
    name, so a name always goes to the same worker and is parsed once however often it repeats.  At
    most ``3 × jobs`` chunks are in flight, so memory stays flat.
    """

    def __init__(self, jobs: int, lang: str | None) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context()
        self.jobs = jobs
        self.inboxes = [ctx.Queue() for _ in range(jobs)]
        self.outbox = ctx.Queue()
        self.procs = [
            ctx.Process(target=_worker_main, args=(inbox, self.outbox, lang), daemon=True)
            for inbox in self.inboxes
        ]
        try:
            for proc in self.procs:
                proc.start()
        except BaseException:  # stopped while starting them: stop those already running
            self.close()
            raise

    def run(self, pairs: Iterable[tuple[Any, _Item]]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
        jobs, it = self.jobs, iter(pairs)
        pending: deque[tuple[int, list[Any], list[list[int]], int]] = deque()
        arrived: dict[int, dict[int, list[tuple[Any, ...]]]] = {}
        number = 0
        while True:
            chunk = list(itertools.islice(it, CHUNK_SIZE))
            if chunk:
                shards: list[list[_Item]] = [[] for _ in range(jobs)]
                positions: list[list[int]] = [[] for _ in range(jobs)]
                for i, (_, item) in enumerate(chunk):
                    k = hash(item[0]) % jobs
                    shards[k].append(item)
                    positions[k].append(i)
                sent = 0
                for k, shard in enumerate(shards):
                    if shard:
                        self.inboxes[k].put((number, k, shard))
                        sent += 1
                pending.append((number, [p[0] for p in chunk], positions, sent))
                arrived[number] = {}
                number += 1
            while pending and (len(pending) >= 3 * jobs or not chunk):
                first, inputs, positions, sent = pending.popleft()
                while len(arrived[first]) < sent:
                    done, k, values = self._receive()
                    arrived[done][k] = values
                out: list[Any] = [None] * len(inputs)
                for k, values in arrived.pop(first).items():
                    for i, value in zip(positions[k], values):
                        out[i] = value
                yield from zip(inputs, out)
            if not chunk:
                return

    def _receive(self) -> tuple[int, int, list[tuple[Any, ...]]]:
        import queue

        while True:
            try:
                return self.outbox.get(timeout=1.0)
            except queue.Empty:
                if not all(proc.is_alive() for proc in self.procs):
                    raise AnnotateError("a worker process died (out of memory?)") from None

    def close(self) -> None:
        """Stop the workers: idle once every result is in, or abandoned (Ctrl-C, an error) — either way at once."""
        started = [proc for proc in self.procs if proc.pid is not None]
        for proc in started:
            proc.terminate()
        for proc in started:
            proc.join(timeout=10)
            if proc.is_alive():  # stuck (in a system call?): SIGTERM was not enough
                proc.kill()
                proc.join()
        for q in (*self.inboxes, self.outbox):
            q.cancel_join_thread()
            q.close()


def _run(
    pairs: Iterable[tuple[Any, _Item]], lang: str | None, workers: _Workers | None
) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    if workers is None:
        for data, item in pairs:
            yield data, _annotate_item(item, lang)
    else:
        yield from workers.run(pairs)


def _jobs(jobs: int) -> int:
    return (os.cpu_count() or 1) if jobs <= 0 else jobs


# --------------------------------------------------------------------------- the library API


def annotate(
    records: Iterable[str | Mapping[str, Any]],
    *,
    column: str | None = None,
    files: bool = False,
    lang: str | None = None,
    jobs: int = 1,
) -> Iterator[AnnotatedRow]:
    """Annotate names or Hub records, one :class:`AnnotatedRow` per input row, in order, lazily.

    ``records`` may hold names (``str``) or records (mappings shaped like the Hub's ``/api/models``
    answers: ``id``/``modelId``, ``tags``, ``pipeline_tag``, ``library_name``, ``siblings`` …); the name
    is ``record[column]``, else the first of ``id``, ``modelId``, ``name``.  With ``files=True`` a
    record gives one row per file in ``siblings`` (a record with no files still gives one row).
    ``lang`` (``en``/``zh``) adds explanations; ``jobs`` > 1 uses that many processes (0: all cores).
    Rows that cannot be read carry ``error`` rather than raising.
    """
    pairs = _items(_checked(records), column, files)
    jobs = _jobs(jobs)
    workers = _Workers(jobs, lang) if jobs > 1 else None
    try:
        for data, values in _run(pairs, lang, workers):
            yield AnnotatedRow(*values, data if data is not None else {})
    finally:
        if workers is not None:
            workers.close()


def _checked(records: Iterable[Any], undecodable: bool = False) -> Iterator[tuple[int, Any, str | None]]:
    """Numbered rows of the caller's values, each made writable (lone surrogates → U+FFFD) and flagged."""
    from ._io import scrub

    for line, value in enumerate(records, 1):
        value, error = scrub(value, undecodable)
        yield line, value, error


def _name_column(columns: Sequence[str], column: str | None, label: str = "the table") -> str:
    if column is not None:
        if column not in columns:
            raise AnnotateUsageError(
                f"no column {column!r} in {label} (columns: {', '.join(columns) or 'none'})"
            )
        return column
    for name in NAME_COLUMNS:
        if name in columns:
            return name
    raise AnnotateUsageError(
        f"no id, modelId or name column in {label}; choose one with --column (columns: {', '.join(columns) or 'none'})"
    )


def annotate_table(table: Any, column: str | None = None, *, lang: str | None = None) -> Any:
    """A pyarrow ``Table``/``RecordBatch`` or pandas ``DataFrame`` with the annotation columns added.

    The result has the input's columns (renamed ``input_…`` where a name clashes), then
    :data:`COLUMNS` with the types of :data:`OUTPUT_SCHEMA` (pandas: Arrow-backed dtypes, so an
    empty frame has the same dtypes as a full one — use ``annotate_table(ddf._meta, "id")`` as Dask's
    ``meta``).  ``column`` holds the names (default: the first of ``id``, ``modelId``, ``name``);
    ``tags``, ``pipeline_tag`` and ``library_name`` columns are used when present.  ``line`` is the
    1-based row number within this table.
    """
    import pyarrow as pa

    if isinstance(table, (pa.Table, pa.RecordBatch)):
        names = list(table.column_names)
        column = _name_column(names, column)
        lists = [_pylist(table.column(c)) if c in names else (None, False) for c in (column, *_HUB_INPUTS)]
        annotation = _annotation_arrays(
            *(values for values, _ in lists),
            lang=lang,
            column=column,
            undecodable=any(bad for _, bad in lists),
        )
        schema = output_schema(table.schema, lang=lang)
        arrays = [*table.columns, *annotation]
        if isinstance(table, pa.RecordBatch):
            return pa.RecordBatch.from_arrays(arrays, schema=schema)
        return pa.Table.from_arrays(arrays, schema=schema)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas absent
        pd = None
    if pd is not None and isinstance(table, pd.DataFrame):
        names = [str(c) for c in table.columns]
        column = _name_column(names, column)
        annotation = _annotation_arrays(
            table[column].tolist(),
            *(table[c].tolist() if c in names else None for c in _HUB_INPUTS),
            lang=lang,
            column=column,
        )
        schema = output_schema(lang=lang)
        frame = pa.Table.from_arrays(annotation, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)
        frame.index = table.index
        renamed = table.rename(columns={c: _passthrough_name(c) for c in names if c in _RESERVED})
        return pd.concat([renamed, frame], axis=1)
    raise TypeError(
        f"annotate_table() takes a pyarrow Table or RecordBatch or a pandas DataFrame, not {type(table).__name__}"
    )


_HUB_INPUTS = ("tags", "pipeline_tag", "library_name")


def _pylist(column: Any) -> tuple[list[Any], bool]:
    """An Arrow column as Python values, and whether some text in it was not UTF-8 (decoded as surrogates)."""
    try:
        return column.to_pylist(), False
    except UnicodeDecodeError:  # a string column whose bytes were never validated (``.view(pa.string())``)
        import pyarrow as pa

        raw = column.cast(pa.binary()).to_pylist()
        return [v.decode("utf-8", "surrogateescape") if v is not None else None for v in raw], True


def _annotation_arrays(
    names: list[Any],
    tags: list[Any] | None,
    pipeline_tags: list[Any] | None,
    libraries: list[Any] | None,
    *,
    lang: str | None,
    column: str = "id",
    undecodable: bool = False,
) -> list[Any]:
    import pyarrow as pa

    from ._io import to_arrow_array

    n = len(names)
    hub = tuple(zip(_HUB_INPUTS, (tags, pipeline_tags, libraries)))
    records = (
        {column: names[i], **{k: v[i] if v is not None else None for k, v in hub if k != column}}
        for i in range(n)
    )
    rows = _checked(records, undecodable)
    values = [_annotate_item(item, lang) for _, item in _items(rows, column, False)]
    width = len(COLUMNS) + (1 if lang else 0)
    columns = list(zip(*values))[:width] if values else [()] * width
    types = [_arrow_type(COLUMN_TYPES[c]) for c in COLUMNS] + ([pa.string()] if lang else [])
    return [to_arrow_array(list(col), t) for col, t in zip(columns, types)]


def annotate_batches(
    batches: Iterable[Any], column: str | None = None, *, lang: str | None = None
) -> Iterator[Any]:
    """Annotate an iterator of pyarrow ``RecordBatch`` es — the function for Spark's ``mapInArrow``."""
    for batch in batches:
        yield annotate_table(batch, column, lang=lang)


# --------------------------------------------------------------------------- whole listings (the command)


class AnnotateError(Exception):
    """The run could not go on (Hub unreachable, an extra not installed, output not writable)."""


class AnnotateUsageError(AnnotateError, ValueError):
    """The request itself is wrong (unknown field, no name column, an input that cannot be opened)."""


class AnnotateStopped(AnnotateError):
    """A signal (SIGTERM, SIGHUP) stopped the run after it cleaned up; ``exit_status`` is 128 + its number."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.exit_status = 128 + signum


class Summary(NamedTuple):
    rows: int
    """Rows written."""
    parsed: int
    """Rows without an error."""
    errors: int
    """Rows with an error (invalid name, broken JSON, record with no id)."""
    recognized: int
    """Rows whose every token was placed."""

    def __str__(self) -> str:
        return (
            f"annotated {self.rows} {'row' if self.rows == 1 else 'rows'}: {self.parsed} parsed, "
            f"{self.errors} with errors, {self.recognized} fully recognized"
        )


_HUB_COLUMNS = [
    "id",
    "author",
    "pipeline_tag",
    "library_name",
    "tags",
    "downloads",
    "likes",
    "createdAt",
    "lastModified",
    "gated",
]


def hub_query(specs: Sequence[str], search: str | None = None) -> dict[str, Any]:
    """``--hub "author=Qwen,filter=gguf"`` (repeatable) → keyword arguments for ``HfApi.list_models``."""
    query: dict[str, Any] = {}
    for spec in specs:
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise AnnotateUsageError(f"--hub takes KEY=VALUE pairs such as author=Qwen, not {part!r}")
            key, val = key.strip(), _hub_value(value.strip())
            if key in query:
                query[key] = (query[key] if isinstance(query[key], list) else [query[key]]) + [val]
            else:
                query[key] = val
    if search:
        query["search"] = search
    return query


def _hub_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


class _HubReader:
    """Models listed by ``huggingface_hub.HfApi().list_models(**query)``, as Hub API records."""

    format = "hub"

    def __init__(self, query: dict[str, Any], files: bool, limit: int | None) -> None:
        try:
            from huggingface_hub import HfApi
        except ImportError:
            raise AnnotateError("--hub needs huggingface_hub: pip install 'modelname[hub]'") from None
        self.query = dict(query)
        if files:
            self.query["full"] = True
        if limit is not None:
            self.query["limit"] = limit
        self.api = HfApi()
        self.columns = list(_HUB_COLUMNS)
        self.types = {c: _HUB_TYPES[c] for c in self.columns if c in _HUB_TYPES}
        self.done, self.total = 0, limit
        self.label = "the Hugging Face Hub"

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        from ._io import scrub

        try:
            listing = iter(self.api.list_models(**self.query))
        except TypeError as err:
            raise AnnotateUsageError(f"--hub: {err}") from None
        except Exception as err:
            raise AnnotateError(_hub_failure(err)) from None
        number = 0
        while True:
            try:
                info = next(listing)
            except StopIteration:
                return
            except Exception as err:
                raise AnnotateError(_hub_failure(err)) from None
            number += 1
            self.done = number
            yield number, *scrub(_hub_record(info))

    def progress(self) -> tuple[int, int | None]:
        return self.done, self.total

    def close(self) -> None:
        pass


def _hub_failure(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    detail = f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
    return f"cannot list models from the Hugging Face Hub ({detail})"


def _hub_record(info: Any) -> dict[str, Any]:
    if isinstance(info, Mapping):
        return dict(info)
    record: dict[str, Any] = {}
    for key, attr in (
        ("id", "id"),
        ("author", "author"),
        ("pipeline_tag", "pipeline_tag"),
        ("library_name", "library_name"),
        ("tags", "tags"),
        ("downloads", "downloads"),
        ("likes", "likes"),
        ("createdAt", "created_at"),
        ("lastModified", "last_modified"),
        ("gated", "gated"),
    ):
        value = getattr(info, attr, None)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        record[key] = value
    siblings = getattr(info, "siblings", None)
    if siblings is not None:
        record["siblings"] = [{"rfilename": getattr(s, "rfilename", None)} for s in siblings]
    return record


class _Progress:
    """A progress bar on stderr (rows, rows/s, ETA from bytes read) — only when stderr is a terminal."""

    EVERY = 0.2  # seconds between refreshes

    def __init__(self, readers: Sequence[Any]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.readers = readers
        totals = [r.progress()[1] for r in readers]
        self.total = None if any(t is None for t in totals) else sum(totals)  # type: ignore[arg-type]
        self.bar = Progress(
            TextColumn("annotating"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]:,} rows · {task.fields[rate]:,.0f} rows/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self.task = self.bar.add_task("annotate", total=1000 if self.total else None, rows=0, rate=0.0)
        self.start = self.last = time.monotonic()
        self.read = 0  # rows taken from the readers so far (ahead of those written by the work in flight)

    def __enter__(self) -> _Progress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def update(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < self.EVERY:
            return
        self.last = now
        rate = rows / (now - self.start) if now > self.start else 0.0
        completed = None
        if self.total:
            fraction = sum(r.progress()[0] for r in self.readers) / self.total
            completed = 1000 * min(1.0, fraction * rows / max(self.read, 1))
        self.bar.update(self.task, completed=completed, rows=rows, rate=rate)

    def counting(self, pairs: Iterable[Any]) -> Iterator[Any]:
        for pair in pairs:
            self.read += 1
            yield pair


def annotate_listing(
    inputs: Sequence[str],
    *,
    output: str | None = None,
    output_format: str | None = None,
    input_format: str | None = None,
    column: str | None = None,
    files: bool = False,
    fields: Sequence[str] | None = None,
    lang: str | None = None,
    limit: int | None = None,
    jobs: int = 1,
    hub: dict[str, Any] | None = None,
    progress: bool = False,
) -> Summary:
    """Annotate listing files (``-`` for standard input) or a Hub query to ``output`` (None: stdout).

    The work behind ``modelname annotate``.  The output file is written atomically: under a
    temporary name, renamed into place only when every row is written.
    """
    from . import _io

    out_format = _io.output_format_for(output, output_format)
    if out_format == "parquet" and output in (None, "-") and sys.stdout.isatty():
        raise AnnotateUsageError("Parquet is not written to a terminal; use -o FILE.parquet or a pipe")
    readers: list[Any] = []
    count = 0
    target: Any = None
    restore = _stop_on_signals()
    try:
        try:
            if hub is not None:
                readers.append(_HubReader(hub, files, limit))
            else:
                for path in inputs or ["-"]:
                    readers.append(_io.open_reader(path, input_format))
        except _io.MissingExtra as err:
            raise AnnotateError(str(err)) from None
        except _io.InputError as err:
            raise AnnotateUsageError(str(err)) from None

        # Pass-through columns: every input's own columns, in order (siblings are expanded, not kept).
        seen: dict[str, Any] = {}
        for reader in readers:
            for c in reader.columns:
                if c != "siblings" and c not in seen:
                    seen[c] = reader.types.get(c) or (
                        _HUB_TYPES.get(c) if reader.format in ("json", "jsonl") else None
                    )
        passthrough = list(seen)
        for reader in readers:
            if reader.format in ("csv", "tsv", "parquet"):
                chosen = _name_column(reader.columns, column, reader.label)
                if column is None:
                    column = chosen
                reader.name_column = column  # a CSV reader checks that no name cell spans lines
        all_columns = [_passthrough_name(c) for c in passthrough] + list(COLUMNS)
        if lang:
            all_columns.append("explanations")
        if fields:
            unknown = [f for f in fields if f not in all_columns]
            if unknown:
                raise AnnotateUsageError(
                    f"unknown field {unknown[0]!r}; the columns are: {', '.join(all_columns)}"
                )
            chosen_columns = list(fields)
        else:
            chosen_columns = all_columns
        pick = itemgetter(*[all_columns.index(c) for c in chosen_columns])
        single = len(chosen_columns) == 1
        types: dict[str, Any] = {}
        if out_format == "parquet":
            spec = {**{_passthrough_name(c): t for c, t in seen.items() if t is not None}, **COLUMN_TYPES}
            types = {c: _arrow_type(spec[c]) for c in chosen_columns if c in spec}

        rows: Iterable[tuple[int, Any, str | None]] = itertools.chain.from_iterable(readers)
        if limit is not None:
            rows = itertools.islice(rows, limit)
        pairs = _items(rows, column, files)

        dest = "standard output"
        if output not in (None, "-"):
            dest = output  # type: ignore[assignment]
            try:
                target = _io.open_output(dest)  # a regular file atomically; a FIFO or device as a stream
            except OSError as err:
                raise AnnotateError(f"cannot write {dest}: {_reason(err)}") from None
        stream = target.file if target is not None else _io.stdout_binary()
        jobs = _jobs(jobs)
        workers = _Workers(jobs, lang) if jobs > 1 else None  # started before any thread (the progress bar)
        errors = recognized = 0
        error_at, recognized_at = COLUMNS.index("error"), COLUMNS.index("recognized")
        n_values = len(COLUMNS) + (1 if lang else 0)
        try:
            try:
                writer = _io.open_writer(out_format, stream, chosen_columns, types)
            except _io.InputError as err:
                raise AnnotateError(str(err)) from None
            bar = _Progress(readers) if progress else None
            if bar is not None:
                pairs = bar.counting(pairs)
                bar.__enter__()
            try:
                for data, values in _run(pairs, lang, workers):
                    count += 1
                    if values[error_at] is not None:
                        errors += 1
                    elif values[recognized_at]:
                        recognized += 1
                    if passthrough:
                        full = (
                            [data.get(c) for c in passthrough]
                            if data is not None
                            else [None] * len(passthrough)
                        )
                        full.extend(values[:n_values])
                    else:
                        full = values[:n_values]  # type: ignore[assignment]
                    row = pick(full)
                    try:
                        writer.write((row,) if single else row)
                    except BrokenPipeError:
                        raise
                    except OSError as err:  # a full disk, a lost network share
                        raise AnnotateError(f"cannot write {dest}: {_reason(err)}") from None
                    if bar is not None and count % 512 == 0:
                        bar.update(count)
            finally:
                if bar is not None:
                    bar.__exit__(None, None, None)
            try:
                writer.close()
                if target is not None:
                    target.commit()
                    target = None
            except BrokenPipeError:
                raise
            except OSError as err:
                raise AnnotateError(f"cannot write {dest}: {_reason(err)}") from None
        except BrokenPipeError:  # the reader of standard output or of a FIFO went away
            if target is None:
                _quiet_broken_pipe()
        finally:
            if workers is not None:
                workers.close()
            if target is not None:
                target.abort()
        return Summary(count, count - errors, errors, recognized)
    except _Stopped as stop:
        name = signal.Signals(stop.signum).name
        if isinstance(target, _io.AtomicFile):
            message = f"stopped by {name}: nothing written to {output} (its temporary file is removed)"
        else:
            message = f"stopped by {name} after {count} rows: the output is incomplete"
        raise AnnotateStopped(message, stop.signum) from None
    except _io.InputError as err:  # an input became unreadable midway (Parquet lying about its rows)
        raise AnnotateError(str(err)) from None
    except OSError as err:  # reading failed (an I/O error on the input's disk)
        raise AnnotateError(f"cannot read the input: {_reason(err)}") from None
    finally:
        for reader in readers:
            reader.close()
        restore()


def _reason(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


class _Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the main thread is, so every ``finally`` cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signals() -> Callable[[], None]:
    """Turn SIGTERM and SIGHUP into :class:`_Stopped` until the returned function is called.

    Only signals left at their default (which would kill the process and orphan its workers and
    temporary file) are taken: ``nohup``'s ignored SIGHUP stays ignored.  After the first signal the
    others are ignored, so the cleanup is not itself interrupted.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    taken: dict[int, Any] = {}

    def stop(signum: int, frame: Any) -> None:
        for sig in taken:
            signal.signal(sig, signal.SIG_IGN)
        raise _Stopped(signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            taken[sig] = signal.signal(sig, stop)

    def restore() -> None:
        for sig, old in taken.items():
            signal.signal(sig, old)

    return restore


def _quiet_broken_pipe() -> None:
    """``… | head``: the reader went away; stop quietly (Python would complain at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
