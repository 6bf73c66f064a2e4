"""``parse()``: check the text, build its skeleton, read it, return a :class:`ModelName`.

    text ──check──▶ text ──skeleton (grammar)──▶ Skeleton ──read (stages)──▶ Reading ──build──▶ ModelName

The result carries the reading's notes as its evidence, so explanations, the canonical name and
batch columns are derived from the result alone.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ._grammar import check, skeleton
from ._read import Reading, read
from .errors import InvalidModelName
from .model import SCHEMA_VERSION, ModelName, with_evidence
from .parts import (
    Checkpoint,
    Distill,
    Format,
    NameWarning,
    Parameters,
    Quantization,
    Resolved,
    Shard,
    trusted,
)

__all__ = ["parse", "parse_uncached", "CACHE_SIZE", "CACHE_LENGTH"]

CACHE_SIZE = 1024
"""Distinct names whose results are kept (results are immutable, so they can be shared)."""

CACHE_LENGTH = 160
"""Longer names are not kept (no real name is this long; a result takes about 6 KB)."""


def parse(name: str) -> ModelName:
    """Read a model name (Hub repo id, GGUF file name, Ollama tag or API id) into a :class:`ModelName`.

    Raises :class:`InvalidModelName` for text that cannot be a name (empty, only
    separators, control characters, longer than 512 characters, or a malformed
    path such as ``a//b``).  Unknown words are not errors: they are placed by
    position or listed in ``unrecognized``.
    """
    if not isinstance(name, str):
        raise TypeError(f"parse() takes a str, not {type(name).__name__}")
    if len(name) > CACHE_LENGTH:
        return parse_uncached(name)
    return _cached(name)


def parse_uncached(name: str) -> ModelName:
    """:func:`parse` without the cache of recent results (for batch workers with their own)."""
    text = check(name)
    offset = len(name) - len(name.lstrip(" "))
    try:
        skel = skeleton(text)
    except InvalidModelName as err:
        raise err.shifted(name, offset) from None
    return _build(name, read(skel))


_cached = lru_cache(maxsize=CACHE_SIZE)(parse_uncached)


def _build(name: str, r: Reading) -> ModelName:
    """The result from the reading: values of the field types already, so no validation runs
    (``tests/test_parse.py`` checks that every fixture's result equals its validated JSON form)."""
    sources = r.sources
    values = {
        "name": name,
        "schema_version": SCHEMA_VERSION,
        "kind": r.kind,
        "provider": " ".join(text for _pos, text in sorted(r.provider)) or None,
        "organization": r.organization,
        "vendor": r.vendor,
        "family": r.family,
        "version": r.version,
        "variant": "-".join(r.variant) or None,
        "parameters": _part(Parameters, r.parameters, _NO_PARAMETERS),
        "context_length": r.context_length,
        "date": r.date,
        "distill": _part(Distill, r.distill, _NO_DISTILL),
        "base_model": r.base_model,
        "functions": tuple(r.functions),
        "category": r.category,
        "finetune": tuple(r.finetune),
        "training": tuple(r.training),
        "attributes": tuple(r.attributes),
        "quantization": _part(Quantization, r.quantization, _NO_QUANTIZATION),
        "format": _part(Format, r.format, _NO_FORMAT),
        "role": r.role,
        "shard": _part(Shard, r.shard, _NO_SHARD),
        "resolved": _part(Resolved, r.resolved, _NO_RESOLVED),
        "checkpoint": _part(Checkpoint, r.checkpoint, _NO_CHECKPOINT),
        "provenance": (),
        "unrecognized": tuple(r.unrecognized),
        "warnings": tuple([trusted(NameWarning, w) for w in r.warnings]) if r.warnings else (),
    }
    values["provenance"] = tuple(
        [(f, sources[f]) for f in sorted(sources, key=_ORDER.__getitem__) if _filled(values[f])]
    )
    return with_evidence(trusted(ModelName, values), tuple(r.notes))


def _filled(value: Any) -> bool:
    """Not None, not an empty tuple or string (a part is never compared: its __eq__ is pydantic's)."""
    return value is not None and (type(value) not in (tuple, str) or len(value) > 0)


def _part(model: type[Any], value: dict[str, Any] | None, defaults: dict[str, Any]) -> Any:
    return None if value is None else trusted(model, {**defaults, **value})


def _defaults(model: type[Any]) -> dict[str, Any]:
    return {f: info.default for f, info in model.model_fields.items()}


_NO_PARAMETERS = _defaults(Parameters)
_NO_DISTILL = _defaults(Distill)
_NO_QUANTIZATION = _defaults(Quantization)
_NO_FORMAT = _defaults(Format)
_NO_SHARD = _defaults(Shard)
_NO_RESOLVED = _defaults(Resolved)
_NO_CHECKPOINT = _defaults(Checkpoint)

# Provenance is listed in the order of the result's own fields.
_ORDER = {f: i for i, f in enumerate(ModelName.model_fields)}
