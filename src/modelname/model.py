"""The typed result of :func:`modelname.parse`: :class:`ModelName`.

The model is frozen and holds tuples, so results are hashable and can be used as dict keys or
in sets.  ``model_dump(mode="json")`` gives the documented JSON form; ``explanations`` and
``canonical`` are computed on first access from the result itself — from the reading's evidence
(which token, which table row) for what the parser read, from the field values for what was
loaded from JSON or changed since — so nothing downstream reads the name again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import (
    PrivateAttr,
    computed_field,
    field_serializer,
    field_validator,
    model_validator,
)

from .parts import (
    Checkpoint,
    Distill,
    Explanation,
    Format,
    Kind,
    NameWarning,
    Parameters,
    Quantization,
    Resolved,
    Result,
    Role,
    Shard,
    Source,
)

if TYPE_CHECKING:
    from .memory import MemoryEstimate

__all__ = ["ModelName", "Evidence", "SCHEMA_VERSION", "EXPLAINED_FIELDS"]

SCHEMA_VERSION = 2


class ModelName(Result):
    """Everything a model name says, with where each piece of knowledge came from."""

    name: str
    """The input exactly as given."""
    schema_version: int = SCHEMA_VERSION
    kind: Kind
    """What shape of name this is."""
    provider: str | None = None
    """Serving prefix or suffix that is not part of the model (``bedrock/us-east-1``, ``Pro``, ``:free``, ``v1:0``)."""
    organization: str | None = None
    """Namespace just before the model name in a repo id (``bartowski``, ``Qwen``)."""
    vendor: str | None = None
    """Who made the model family (never the uploader)."""
    family: str | None = None
    version: str | None = None
    variant: str | None = None
    """Tier or edition words joined with ``-`` (``mini``, ``Flash-Lite``, ``Sonnet``)."""
    parameters: Parameters | None = None
    context_length: int | None = None
    """Context window in tokens when the name states it (``128k`` → 131072)."""
    date: str | None = None
    """ISO date or month where the digits say it; otherwise as written (``0324``)."""
    distill: Distill | None = None
    base_model: str | None = None
    """For fine-tunes and merges: the family (and version) it was built on (``Llama 3``)."""
    functions: tuple[str, ...] = ()
    category: str | None = None
    finetune: tuple[str, ...] = ()
    training: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    """Properties the name states in a word whose meaning depends on the family (``meanings.toml``):
    ``thinking_budget``, ``image_resolution``, ``training_steps``, ``token_rate``, ``reasoning_effort``,
    ``weights_framework``."""
    quantization: Quantization | None = None
    format: Format | None = None
    role: Role | None = None
    shard: Shard | None = None
    resolved: Resolved | None = None
    checkpoint: Checkpoint | None = None
    """The published checkpoint the name is (or is built on), with its true figures; null when none is known."""
    provenance: tuple[tuple[str, Source], ...] = ()
    """For each filled field: ``table`` (known vocabulary) or ``pattern`` (shape or position alone)."""
    unrecognized: tuple[str, ...] = ()
    """Tokens that could be placed nowhere, in order."""
    warnings: tuple[NameWarning, ...] = ()
    """What a user should know before relying on the name (an API id no real model has)."""

    _evidence: Evidence | None = PrivateAttr(default=None)
    """What the values were read from: the reading's notes, or the sentences a JSON form came with."""

    @model_validator(mode="wrap")
    @classmethod
    def _from_json(cls, data: Any, handler: Any) -> Any:
        # The JSON form carries the computed fields; accept it back (round trip), keeping the
        # explanations it came with as the evidence for the values it holds.
        given = None
        if isinstance(data, dict) and ("explanations" in data or "canonical" in data):
            given = data.get("explanations")
            data = {k: v for k, v in data.items() if k not in ("explanations", "canonical")}
        m = handler(data)
        if given and isinstance(m, ModelName) and m._evidence is None:
            sentences = tuple(Explanation.model_validate(e) for e in given)
            m._evidence = Evidence(_values(m), explained=sentences)
        return m

    @field_validator("provenance", "attributes", mode="before")
    @classmethod
    def _provenance_in(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return tuple(value.items())
        return value

    @field_serializer("provenance", "attributes")
    def _provenance_out(self, value: tuple[tuple[str, str], ...]) -> dict[str, str]:
        return dict(value)

    def __eq__(self, other: object) -> bool:
        """Equal when every field is equal (the evidence behind the values does not count)."""
        if not isinstance(other, ModelName):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in type(self).model_fields)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in type(self).model_fields))

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> ModelName:
        """A copy with ``update`` applied; its explanations and canonical name are computed again."""
        copied = super().model_copy(update=update, deep=deep)
        for name in ("canonical", "explanations"):
            copied.__dict__.pop(name, None)
        return copied

    def source_of(self, field: str) -> Source | None:
        """``table`` or ``pattern`` for a filled field, else None."""
        for name, source in self.provenance:
            if name == field:
                return source
        return None

    @property
    def evidence(self) -> tuple[Any, ...]:
        """The reading's notes (field, token in the name, table row, values) for the fields that
        still hold what was read; none for a result built from JSON."""
        ev = self._evidence
        if ev is None:
            return ()
        changed = ev.changed(self)
        return tuple(n for n in ev.notes if n.field not in changed) if changed else ev.notes

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def canonical(self) -> str | None:
        """The parts in GGUF naming-convention order (BaseName-SizeLabel-FineTune-Version-Encoding-Type-Shard)."""
        from .canonical import render

        return render(self)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def explanations(self) -> tuple[Explanation, ...]:
        """One plain-language sentence per recognized part, in English and Chinese."""
        from .explain import explanations

        return explanations(self)

    def estimate_memory(self, context_length: int | None = None) -> MemoryEstimate:
        """How much memory running this model takes (see :mod:`modelname.memory`)."""
        from .memory import estimate

        return estimate(self, context_length)


EXPLAINED_FIELDS = tuple(
    f for f in ModelName.model_fields if f not in ("name", "schema_version", "provenance")
)
"""The fields whose evidence is kept: a note about a field is used while the field holds the value read."""


@dataclass(frozen=True)
class Evidence:
    """What a result's values were read from, and the values then (to tell which changed since)."""

    values: dict[str, Any]
    notes: tuple[Any, ...] = ()
    """The reading's notes (``_read.state.Note``): field, token in the name, table row, values."""
    explained: tuple[Explanation, ...] = ()
    """The explanations a result loaded from JSON came with."""

    def changed(self, m: ModelName) -> set[str]:
        values = self.values
        return {f for f in EXPLAINED_FIELDS if getattr(m, f) != values[f]}


def _values(m: ModelName) -> dict[str, Any]:
    return {f: getattr(m, f) for f in EXPLAINED_FIELDS}


def with_evidence(m: ModelName, notes: tuple[Any, ...]) -> ModelName:
    """Attach the reading's notes to a freshly built result (used by :func:`modelname.parse`)."""
    object.__setattr__(m, "__pydantic_private__", {"_evidence": Evidence(dict(m.__dict__), notes=notes)})
    return m
