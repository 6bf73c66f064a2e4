"""The output columns, and one name's reading as flat values (cached per process).

Each row is flat scalars with a fixed Arrow type per column (:data:`COLUMN_TYPES`), the same in
JSON lines, CSV and Parquet.  A repository id and one of its files are read together by
:func:`_merge`: who made it from the repo, quantization, format and shard from the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .._parse import CACHE_LENGTH, parse_uncached
from ..errors import InvalidModelName

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["AnnotatedRow", "COLUMNS", "COLUMN_TYPES", "output_schema"]


CACHE_SIZE = 16384
"""Distinct names remembered per process (about 1.2 KB each); repeated names (common in file
listings, where the repo id comes back for every file) are parsed once."""


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
    attributes: str | None
    """Family-specific properties as ``name=value`` (``thinking_budget=80k``), ``,``-separated."""
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
    checkpoint_id: str | None
    """The published checkpoint the name is (or is built on): its repo id."""
    checkpoint_total: int | None
    """Its true parameter count (the size label is rounded)."""
    checkpoint_active: int | None
    checkpoint_context_length: int | None
    canonical: str | None
    unrecognized: str | None
    recognized: bool | None
    """True when every token of the name was placed (``unrecognized`` is empty)."""
    warnings: str | None
    """Warning codes (``unknown_model``: an API id no real model has), ``,``-separated."""
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
        "checkpoint_total",
        "checkpoint_active",
        "checkpoint_context_length",
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


def _passthrough_name(column: str) -> str:
    return f"input_{column}" if column in _RESERVED else column


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
    "attributes": (_P["attributes"],),
    "resolved": (_P["resolved_name"],),
    "checkpoint": tuple(_P[c] for c in _PARSE_COLUMNS if c.startswith("checkpoint_")),
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
    p, q, f, s, d, r, c = m.parameters, m.quantization, m.format, m.shard, m.distill, m.resolved, m.checkpoint
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
        _join([f"{k}={v}" for k, v in m.attributes]),
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
        c.id if c else None,
        c.total if c else None,
        c.active if c else None,
        c.context_length if c else None,
        m.canonical,
        _join(m.unrecognized),
        not m.unrecognized,
        _join([w.code for w in m.warnings]),
        _join([g for g in _GROUPS if g in guessed]),
    )
    explained = None
    if lang:
        explained = tuple((e.field, e.zh if lang == "zh" else e.en) for e in m.explanations)
    return _Flat(values, guessed, explained)


def _invalid(err: InvalidModelName) -> str:
    where = "" if err.position is None else f" (at character {err.position + 1})"
    return f"invalid name: {err.reason}{where}"


def _flat(name: str, lang: str | None) -> _Flat | str:
    """The flat values of one name, or the reason it is not a name (kept for names of real lengths)."""
    if len(name) > CACHE_LENGTH:
        return _read_flat(name, lang)
    return _cached_flat(name, lang)


def _read_flat(name: str, lang: str | None) -> _Flat | str:
    try:
        m = parse_uncached(name)
        return _flatten(m, lang)
    except InvalidModelName as err:
        return _invalid(err)
    except Exception as err:  # a bug in the reader must not stop a run of millions: the row says so
        return f"internal error: {type(err).__name__}: {err}"


_cached_flat = lru_cache(maxsize=CACHE_SIZE)(_read_flat)


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
