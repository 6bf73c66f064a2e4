"""``parse()``: check the text, build its skeleton, read it, return a :class:`ModelName`.

    text ──check──▶ text ──skeleton (grammar)──▶ Skeleton ──read (stages)──▶ Reading ──build──▶ ModelName

The result carries the reading's notes as its evidence, so explanations, the canonical name and
batch columns are derived from the result alone.
"""

from __future__ import annotations

from functools import lru_cache

from ._grammar import check, skeleton
from ._read import Reading, read
from .errors import InvalidModelName
from .model import ModelName, with_evidence

__all__ = ["parse", "parse_uncached", "CACHE_SIZE"]

CACHE_SIZE = 8192
"""Distinct names whose results are kept (results are immutable, so they can be shared)."""


def parse(name: str) -> ModelName:
    """Read a model name (Hub repo id, GGUF file name, Ollama tag or API id) into a :class:`ModelName`.

    Raises :class:`InvalidModelName` for text that cannot be a name (empty, only
    separators, control characters, longer than 512 characters, or a malformed
    path such as ``a//b``).  Unknown words are not errors: they are placed by
    position or listed in ``unrecognized``.
    """
    if not isinstance(name, str):
        raise TypeError(f"parse() takes a str, not {type(name).__name__}")
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
    m = ModelName(
        name=name,
        kind=r.kind,
        provider=" ".join(text for _pos, text in sorted(r.provider)) or None,
        organization=r.organization,
        vendor=r.vendor,
        family=r.family,
        version=r.version,
        variant="-".join(r.variant) or None,
        parameters=r.parameters,
        context_length=r.context_length,
        date=r.date,
        distill=r.distill,
        base_model=r.base_model,
        functions=tuple(r.functions),
        category=r.category,
        finetune=tuple(r.finetune),
        training=tuple(r.training),
        quantization=r.quantization,
        format=r.format,
        role=r.role,
        shard=r.shard,
        resolved=r.resolved,
        provenance=tuple((k, r.sources[k]) for k in _FIELD_ORDER if k in r.sources and _filled(r, k)),
        unrecognized=tuple(r.unrecognized),
    )
    return with_evidence(m, tuple(r.notes))


# Provenance is listed in the order of the result's own fields.
_FIELD_ORDER = tuple(
    f for f in ModelName.model_fields if f not in ("name", "schema_version", "kind", "provenance", "unrecognized")
)


def _filled(r: Reading, field: str) -> bool:
    value = getattr(r, field)
    return value is not None and value != [] and value != ""
