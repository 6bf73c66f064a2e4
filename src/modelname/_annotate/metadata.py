"""A listing's own metadata (Hub tags, pipeline_tag, library_name) against the name's reading:
fill what the name leaves out, and flag clear disagreements.  Which tag means which category,
format or method is table data (categories.toml, formats.toml, quant_methods.toml)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from ..tables import vocabulary
from .columns import _P, _flat

__all__ = ["apply_metadata"]


_RELATIONS = ("quantized", "finetune", "adapter", "merge")


_BITS_TAG = re.compile(r"(\d+)-bit")


class _HubWords(NamedTuple):
    """What the Hub's own words mean, from the tables."""

    categories: dict[str, str]
    """pipeline_tag → category id (categories.toml ``pipeline_tags``)."""
    functions: dict[str, str]
    """pipeline_tag → function id it implies (functions.toml ``pipeline_tags``)."""
    formats: list[tuple[str, tuple[str, ...]]]
    """(format id, its Hub tags), in table order: the first found wins."""
    methods: dict[str, str]
    """Hub tag → quantization method id."""


@cache
def _hub_words() -> _HubWords:
    v = vocabulary()
    return _HubWords(
        {tag: c.id for c in v.categories.values() for tag in c.pipeline_tags},
        {tag: f.id for f in v.functions.values() for tag in f.pipeline_tags},
        [(f.id, f.hub_tags) for f in v.formats.values() if f.hub_tags],
        {tag: m.id for m in v.methods.values() for tag in m.hub_tags},
    )


def _llama_cpp(format_id: str) -> bool:
    fmt = vocabulary().formats.get(format_id)
    return fmt is not None and fmt.container is not None


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


def apply_metadata(
    out: list[Any],
    guessed: frozenset[str],
    tags: tuple[str, ...],
    pipeline_tag: str | None,
    library_name: str | None,
    is_file: bool,
) -> tuple[str | None, str | None, str | None, str | None]:
    """Use the listing's tags: fill empty columns, find disagreements.  Returns the four hub
    columns: base models, their relations, the columns filled, the disagreements."""
    said = _read_tags(tags)
    filled: list[str] = []
    conflicts: list[str] = []
    _pipeline(out, pipeline_tag, filled, conflicts)
    if not is_file:  # a repo's tags describe the repo, not each of its files
        _repo_tags(out, set(tags), library_name, said, filled, conflicts)
    if said.bases and out[_P["family"]] is not None and "family" not in guessed:
        families = [f for f in (_base_family(b) for b in said.bases) if f is not None]
        if families and not any(_names_family(out, f) for f in families):
            conflicts.append(
                f"family: name says {out[_P['family']]}, base_model tag says {families[0]} ({said.bases[0]})"
            )
    return (
        ",".join(said.bases) or None,
        ",".join(said.relations) or None,
        ",".join(filled) or None,
        "; ".join(conflicts) or None,
    )


class _Said(NamedTuple):
    bases: list[str]
    """Repo ids of ``base_model:…`` tags."""
    relations: list[str]
    """``quantized``, ``finetune`` … of ``base_model:<relation>:…`` tags."""
    bits: set[int]
    """``4-bit`` tags."""
    methods: list[str]
    """Quantization methods the tags name."""


def _read_tags(tags: tuple[str, ...]) -> _Said:
    said = _Said([], [], set(), [])
    words = _hub_words()
    for tag in tags:
        if tag.startswith("base_model:"):
            rest = tag[len("base_model:") :]
            relation, sep, repo = rest.partition(":")
            if sep and relation in _RELATIONS:
                if relation not in said.relations:
                    said.relations.append(relation)
            else:
                repo = rest
            if repo and repo not in said.bases:
                said.bases.append(repo)
        elif (match := _BITS_TAG.fullmatch(tag)) is not None:
            said.bits.add(int(match.group(1)))
        elif tag in words.methods and words.methods[tag] not in said.methods:
            said.methods.append(words.methods[tag])
    return said


def _pipeline(out: list[Any], pipeline_tag: str | None, filled: list[str], conflicts: list[str]) -> None:
    """The category a pipeline_tag means (and a function it implies: image-text-to-text → vision)."""
    words = _hub_words()
    category = words.categories.get(pipeline_tag or "")
    if category is None:
        return
    have = out[_P["category"]]
    if have is None:
        out[_P["category"]] = category
        filled.append("category")
    elif have != category:
        conflicts.append(f"category: name says {have}, pipeline_tag says {pipeline_tag}")
    implied = words.functions.get(pipeline_tag or "")
    if implied is not None:
        functions = out[_P["functions"]]
        if functions is None or implied not in functions.split(","):
            out[_P["functions"]] = f"{functions},{implied}" if functions else implied
            filled.append("functions")


def _repo_tags(
    out: list[Any],
    tagset: set[str],
    library_name: str | None,
    said: _Said,
    filled: list[str],
    conflicts: list[str],
) -> None:
    """A repository's format, bits and method from its tags."""
    formats = [
        f for f, spellings in _hub_words().formats if any(t in tagset or t == library_name for t in spellings)
    ]
    fmt = out[_P["format_id"]]
    if fmt is None and formats:
        out[_P["format_id"]] = formats[0]
        filled.append("format_id")
    elif fmt is not None and formats and _llama_cpp(formats[0]) != _llama_cpp(fmt):
        conflicts.append(f"format: name says {fmt}, tags say {','.join(formats)}")
    have_bits = out[_P["quantization_bits"]]
    if said.bits and have_bits is not None and int(have_bits) not in said.bits:
        shown = ",".join(f"{b}-bit" for b in sorted(said.bits))
        conflicts.append(f"quantization_bits: name says {have_bits}, tags say {shown}")
    elif len(said.bits) == 1 and have_bits is None:
        out[_P["quantization_bits"]] = next(iter(said.bits))
        filled.append("quantization_bits")
    if len(said.methods) == 1 and out[_P["quantization_method"]] is None:
        out[_P["quantization_method"]] = said.methods[0]
        filled.append("quantization_method")
