"""The state of one reading: the result's fields, their provenance, and the evidence behind them.

Every stage writes the result through the methods of :class:`Reading` — this is the one place
that does — and each write records a :class:`Note`: which field, the text in the name, the table
row that gave its meaning (``None`` for a value read from its shape or position) and the values a
sentence about it needs.  The notes become the result's evidence (``ModelName.evidence``), from
which ``explain`` writes its sentences without reading the name again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Note", "Reading", "Chunks", "Where"]

Where = tuple[int, Any, "str | None", str]
"""A family met after the first one: (chunk position, family row, version, text in the name)."""


@dataclass(slots=True)
class Note:
    """One recognized part: which field, the text in the name, and the table row behind it."""

    field: str
    token: str
    row: Any = None  # the typed table row that explains it, if any
    info: dict[str, Any] | None = None  # values for pattern explanations (size in GB …)


@dataclass(slots=True)
class Chunks:
    """The chunks of the name being read, and the place of the one being read now."""

    items: list[Any]
    i: int = 0
    chunk: Any = None
    """The chunk being read (``items[i]``, set by the loop that moves ``i``)."""

    def at(self, offset: int = 0) -> Any:
        """The chunk ``offset`` places after the current one, or None past the end."""
        j = self.i + offset
        return self.items[j] if 0 <= j < len(self.items) else None

    def text(self, n: int) -> str:
        """The text of ``n`` chunks from here, with the separators between them."""
        parts = self.items[self.i : self.i + n]
        return "".join((c.sep if j else "") + c.text for j, c in enumerate(parts))

    def phrase_key(self, n: int) -> str:
        """The lookup spelling of ``n`` chunks from here (``gpt-3``)."""
        return "-".join(c.key for c in self.items[self.i : self.i + n])

    def phrase(self, index: dict[str, Any], starts: dict[str, int]) -> tuple[Any, int] | None:
        """Longest run of chunks from here whose joined spelling is in ``index``: (row, chunks).

        ``starts`` maps the first word of every multi-word spelling to the longest phrase it
        begins, so most chunks need a single lookup.  A phrase never crosses a ``:``.
        """
        items, i = self.items, self.i
        first = items[i]
        longest = starts.get(first.key)
        if longest is None:  # no spelling of several words starts here: one lookup
            row = index.get(first.key)
            return (row, 1) if row is not None else None
        longest = min(longest, len(items) - i)
        for n in range(longest, 1, -1):
            parts = items[i : i + n]
            if any(c.sep == ":" for c in parts[1:]):
                continue
            keys = [c.key for c in parts]
            row = index.get("-".join(keys)) or index.get("".join(keys))
            if row is not None:
                return row, n
        row = index.get(first.key)
        return (row, 1) if row is not None else None


@dataclass(slots=True)
class Reading:
    """Everything read from one name, before it becomes a ModelName."""

    kind: str = "api_name"
    provider: list[tuple[int, str]] = field(default_factory=list)  # (position in the name, text)
    organization: str | None = None
    vendor: str | None = None
    family: str | None = None
    family_row: Any = None
    version: str | None = None
    variant: list[str] = field(default_factory=list)
    parameters: dict[str, Any] | None = None
    context_length: int | None = None
    date: str | None = None
    distill: dict[str, Any] | None = None
    base_model: str | None = None
    functions: list[str] = field(default_factory=list)
    category: str | None = None
    finetune: list[str] = field(default_factory=list)
    training: list[str] = field(default_factory=list)
    quantization: dict[str, Any] | None = None
    format: dict[str, Any] | None = None
    role: str | None = None
    shard: dict[str, int] | None = None
    resolved: dict[str, str] | None = None
    unrecognized: list[str] = field(default_factory=list)
    checkpoint: dict[str, Any] | None = None
    attributes: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    # what later stages need to know about where things stood
    other_families: list[Where] = field(default_factory=list)
    distill_at: int | None = None  # chunk position of the word "Distill"
    version_at: int | None = None
    family_at: int | None = None
    vendor_hint: Any = None  # a vendor named in the name or by an embedded namespace
    bedrock_version: str | None = None  # the v2 of Bedrock's …-v2:0
    dotted: bool = False  # the name started with a dotted vendor (anthropic.claude-…)
    base_rows: list[Any] = field(default_factory=list)  # families a derivative is built on
    distill_rows: list[Where] = field(default_factory=list)  # other families used as teacher/student
    date_token: str | None = None  # the date as written (0528)
    context_from_m: str | None = None  # a 1M-style size read as a context length
    pending_imatrix: bool = False  # an imatrix marker came before the quant it belongs to
    pending_dynamic: bool = False
    method_hint: str | None = None  # a format word (mlx, mlc) that says the method of a later quant

    # -- provenance and evidence ------------------------------------------------------------------

    def source(self, name: str, how: str) -> None:
        """Record provenance; a field is ``table`` only if every part of it came from a table."""
        if self.sources.get(name) != "pattern":
            self.sources[name] = how

    def note(self, name: str, token: str, row: Any = None, **info: Any) -> None:
        self.notes.append(Note(name, token, row, info or None))

    def drop(self, name: str) -> None:
        """Forget a field's provenance (its value was taken back)."""
        self.sources.pop(name, None)

    # -- the fields ---------------------------------------------------------------------------------

    def add_provider(self, text: str, position: int, row: Any = None, note: str | None = None) -> None:
        """A serving prefix or suffix; ``note`` is the text explained (default ``text``)."""
        self.provider.append((position, text))
        self.source("provider", "table")
        if note is not None:
            self.note("provider", note, row)

    def set_checkpoint(self, figures: dict[str, Any], how: str) -> None:
        """The published checkpoint the name identifies (``how``: by the name, or by its ``base``)."""
        self.checkpoint = dict(figures)
        self.source("checkpoint", "table")
        token = figures["id"].rsplit("/", 1)[-1]
        self.note("checkpoint", token, None, how=how, base=self.base_model if how == "base" else None)

    def add_attribute(self, name: str, value: str, token: str, row: Any) -> None:
        """A property of the model or of the call, in a word whose meaning depends on the family."""
        self.attributes.append((name, value))
        self.source("attributes", "table")
        self.note("attributes", token, row, value=value)

    def add_warning(self, code: str, en: str, zh: str) -> None:
        self.warnings.append({"code": code, "en": en, "zh": zh})
        self.note("warnings", code, None, en=en, zh=zh)

    def set_organization(self, text: str, row: Any = None, **info: Any) -> None:
        self.organization = text
        self.source("organization", "pattern")
        self.note("organization", text, row, **info)

    def set_family(self, row: Any, token: str, at: int) -> None:
        """A family the tables know, met at chunk ``at``."""
        self.family, self.family_row, self.family_at = row.name, row, at
        self.source("family", "table")
        self.note("family", token, row)

    def guess_family(self, name: str, token: str, at: int) -> None:
        """An unknown leading word taken as the model's own name."""
        self.family, self.family_at = name, at
        self.source("family", "pattern")
        self.note("family", token, None, guess=True)

    def set_version(self, value: str, token: str, at: int | None, how: str = "pattern") -> None:
        self.version = value
        self.version_at = at
        self.source("version", how)
        self.note("version", token, None, version=value)

    def add_variant(self, word: str, token: str, row: Any = None) -> None:
        self.variant.append(word)
        self.source("variant", "table" if row is not None else "pattern")
        self.note("variant", token, row)

    def set_parameters(self, size: dict[str, Any], token: str, how: str = "pattern") -> None:
        self.parameters = size
        self.source("parameters", how)
        self.note("parameters", token, None, **{k: v for k, v in size.items() if v is not None})

    def set_context(self, tokens: int, token: str) -> None:
        self.context_length = tokens
        self.source("context_length", "pattern")
        self.note("context_length", token, None, tokens=tokens)

    def set_date(self, value: str, token: str, how: str = "pattern") -> None:
        self.date = value
        self.date_token = token
        self.source("date", how)
        self.note("date", token, None, date=value)

    def add_function(self, function_id: str, token: str, row: Any) -> None:
        if function_id not in self.functions:
            self.functions.append(function_id)
        self.source("functions", "table")
        self.note("functions", token, row)

    def add_finetune(
        self, word: str, how: str, token: str | None = None, row: Any = None, **info: Any
    ) -> None:
        """A fine-tune, merge or edition word; ``token`` is its text in the name (default ``word``)."""
        self.finetune.append(word)
        self.source("finetune", how)
        self.note("finetune", token if token is not None else word, row, **info)

    def add_training(self, word: str, token: str, row: Any) -> None:
        if word not in self.training:
            self.training.append(word)
        self.source("training", "table")
        self.note("training", token, row)

    def set_role(self, role: str, token: str, row: Any) -> None:
        self.role = role
        self.source("role", "table")
        self.note("role", token, row)

    def set_format(self, format_id: str, extension: str | None) -> None:
        self.format = {"id": format_id, "extension": extension}
        self.source("format", "table")

    def set_category(self, category: str | None, how: str | None) -> None:
        self.category = category
        self.drop("category")
        if category is not None and how is not None:
            self.source("category", how)
