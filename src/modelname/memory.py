"""How much memory running a model takes: weights, KV cache and a stated overhead.

>>> m = modelname.parse("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf")
>>> e = m.estimate_memory(context_length=8192)
>>> e.weights.bytes, e.kv_cache.bytes, e.overhead.bytes
(4894400000, 1073741824, 1073741824)
>>> e.fit("12GB").verdict
'fits'

The rules (each figure carries its own ``exact`` flag and a ``why`` sentence):

- **weights** = parameters × bits per weight ÷ 8.  Bits per weight is the quant scheme's measured
  whole-file average where known (``file_types.toml``), else the main tensor type's exact size.
  Mixture-of-experts models count *all* experts: they must all be in memory, although only the
  active ones are computed per token.  A GGUF or safetensors file gives the exact byte count.
- **KV cache** = context tokens × bytes per token, f16 K and V, one sequence, from the attention
  shape of the model (a GGUF header, or ``tables/architectures.toml`` for well-known families).
  When the shape is unknown the KV cache is *not included*, and the estimate says so.
- **overhead** = a fixed 1 GiB for the runtime and compute buffers.

Byte counts are integers; ``gb`` is 10⁹ bytes and ``gib`` 2³⁰ bytes, shown side by side because
GPU makers and llama.cpp's logs use GiB while download pages use GB.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import computed_field

from ._weights import (
    OLLAMA_DEFAULT,
    SIXTEEN_BIT,
    Bits,
    Weights,
    bits_for_scheme,
    default_bits,
    scheme_bits,
    weights,
    weights_at,
)
from .parts import Result
from .tables import vocabulary
from .tables.schema import Architecture

if TYPE_CHECKING:
    from .model import ModelName

__all__ = [
    "MemoryEstimate",
    "Figure",
    "Fit",
    "Architecture",
    "KVShape",
    "estimate",
    "parse_memory",
    "format_bytes",
    "architectures",
    "find_architecture",
    "scheme_bits",
    "default_bits",
    "bits_for_scheme",
    "weights",
    "weights_at",
    "Weights",
    "Bits",
    "SIXTEEN_BIT",
    "OLLAMA_DEFAULT",
    "DEFAULT_CONTEXT",
    "OVERHEAD_BYTES",
]

GB = 10**9
GiB = 2**30
DEFAULT_CONTEXT = 8192
"""Tokens of KV cache counted when no context length is given (capped at the model's own maximum)."""
OVERHEAD_BYTES = GiB
"""Fixed allowance for the runtime (CUDA/Metal context) and compute buffers."""
OVERHEAD_WHY = "a fixed 1 GiB for the runtime (CUDA/Metal context) and compute buffers"
# gguf-parser's default platform footprint alone is 250 MiB of VRAM; llama.cpp logs compute buffers of a
# few hundred MiB for its 512-token batch (reference/memory.md §3).

# --------------------------------------------------------------------------- result models


class _Frozen(Result):
    pass


def _gb(n: int | None) -> float | None:
    return None if n is None else round(n / GB, 2)


def _gib(n: int | None) -> float | None:
    return None if n is None else round(n / GiB, 2)


class Figure(_Frozen):
    """One number of bytes, with whether it is exact and why it is what it is."""

    bytes: int | None
    """Byte count; null when not known (then ``why`` says why it is not included)."""
    exact: bool
    """True only when read from the file itself (a GGUF/safetensors header) or given by you."""
    why: str
    """How the number was reached, in plain English."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gb(self) -> float | None:
        """The same in GB (10⁹ bytes), rounded to 0.01."""
        return _gb(self.bytes)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gib(self) -> float | None:
        """The same in GiB (2³⁰ bytes), rounded to 0.01."""
        return _gib(self.bytes)


class Fit(_Frozen):
    """Whether an estimate fits a memory budget."""

    verdict: Literal["fits", "does not fit", "unknown"]
    budget: Figure
    needed: Figure
    """The estimate's total (known parts only when something is not included)."""
    spare_bytes: int | None
    """Budget minus what is needed (negative when it does not fit); null when unknown."""
    why: str


class MemoryEstimate(_Frozen):
    """Memory needed to run one model: weights + KV cache + overhead."""

    name: str
    parameters: int | None = None
    """All parameters (every expert of a mixture of experts)."""
    active_parameters: int | None = None
    """Parameters computed per token, for a mixture of experts."""
    bits_per_weight: float | None = None
    """Bits per weight used for the weights (whole-file average where known)."""
    architecture: str | None = None
    """Where the KV-cache shape came from: an ``architectures.toml`` row id or a GGUF architecture."""
    context_length: int | None = None
    """Tokens of KV cache counted."""
    kv_bytes_per_token: int | None = None
    """KV-cache bytes per token over all layers (f16); sliding-window layers stop growing at their window."""
    weights: Figure
    projector: Figure | None = None
    """A multimodal projector (``mmproj``) loaded with the model, when one is chosen."""
    kv_cache: Figure
    overhead: Figure
    total: Figure
    complete: bool
    """True when every part is known (weights and KV cache)."""
    notes: tuple[str, ...] = ()

    def fit(self, memory: int | str) -> Fit:
        """``fits`` / ``does not fit`` / ``unknown`` for a budget (bytes, or text like ``"12GB"``)."""
        budget = parse_memory(memory)
        given = memory if isinstance(memory, str) else f"{budget:,} bytes"
        budget_fig = Figure(bytes=budget, exact=True, why=f"the budget you gave ({given.strip()})")
        needed = self.total.bytes
        if self.weights.bytes is None:
            return Fit(
                verdict="unknown",
                budget=budget_fig,
                needed=self.total,
                spare_bytes=None,
                why=f"the weights are not known: {self.weights.why}",
            )
        assert needed is not None
        spare = budget - needed
        left_out = [
            f"the {what}"
            for what, f in (("KV cache", self.kv_cache), ("projector", self.projector))
            if f and f.bytes is None
        ]
        if spare < 0:
            missing = f" even without {' and '.join(left_out)}" if left_out else ""
            return Fit(
                verdict="does not fit",
                budget=budget_fig,
                needed=self.total,
                spare_bytes=spare,
                why=f"needs {format_bytes(needed)}{missing}, {format_bytes(-spare)} more than {format_bytes(budget)}",
            )
        if not self.complete:
            return Fit(
                verdict="unknown",
                budget=budget_fig,
                needed=self.total,
                spare_bytes=spare,
                why=(
                    f"the known parts take {format_bytes(needed)}, leaving {format_bytes(spare)} for "
                    f"{' and '.join(left_out)}, which is "
                    + ("; ".join(f.why for f in (self.kv_cache, self.projector) if f and f.bytes is None))
                ),
            )
        return Fit(
            verdict="fits",
            budget=budget_fig,
            needed=self.total,
            spare_bytes=spare,
            why=f"needs about {format_bytes(needed)} of {format_bytes(budget)}, {format_bytes(spare)} to spare",
        )


# --------------------------------------------------------------------------- the architecture table


class KVShape(_Frozen):
    """KV-cache bytes per token, split into full-attention and sliding-window layers."""

    full_bytes_per_token: int
    window_bytes_per_token: int = 0
    window: int | None = None
    description: str

    @property
    def bytes_per_token(self) -> int:
        return self.full_bytes_per_token + self.window_bytes_per_token

    def bytes_for(self, tokens: int) -> int:
        windowed = min(tokens, self.window) if self.window else tokens
        return self.full_bytes_per_token * tokens + self.window_bytes_per_token * windowed


def architectures() -> tuple[Architecture, ...]:
    """The rows of ``tables/architectures.toml``."""
    return vocabulary().architectures


def kv_shape(row: Architecture) -> KVShape:
    """The KV-cache bytes per token of an architectures.toml row (f16 K and V)."""
    per_layer = 2 * row.kv_heads * row.head_dim * 2
    windowed = row.sliding_window_layers if row.sliding_window else 0
    return KVShape(
        full_bytes_per_token=(row.layers - windowed) * per_layer,
        window_bytes_per_token=windowed * per_layer,
        window=row.sliding_window if windowed else None,
        description=f"{row.layers} layers × {row.kv_heads} KV heads × {row.head_dim} dims × 2 (K and V) × 2 bytes",
    )


def find_architecture(m: ModelName) -> tuple[Architecture, str | None] | None:
    """The table row for a parsed name, and a note when the match needed an assumption."""
    if not m.family:
        return None
    label = m.parameters.label.lower() if m.parameters else None
    variant = m.variant.lower() if m.variant else None
    base = m.distill.base if m.distill else None
    rows = []
    for row in architectures():
        if row.family != m.family or row.distill_base != base:
            continue
        if label is not None:
            if label not in (s.lower() for s in row.sizes):
                continue
        elif variant is not None:
            if variant not in (v.lower() for v in row.variants):
                continue
        elif not row.bare:
            continue
        rows.append(row)
    if m.version:
        rows = [r for r in rows if m.version in r.versions]
        return (rows[0], None) if rows else None
    if not rows:
        return None
    if len({kv_shape(r) for r in rows}) > 1:
        return None
    if len(rows) == 1:
        return rows[
            0
        ], f"the name has no version; {rows[0].id} is the only {m.family} of this size in the table"
    return rows[
        0
    ], f"the name has no version; every version in the table ({', '.join(r.id for r in rows)}) has this shape"


# --------------------------------------------------------------------------- the estimate


def _kv_figure(shape: KVShape, tokens: int, exact: bool, whose: str) -> Figure:
    total = shape.bytes_for(tokens)
    per_token = f"{shape.bytes_per_token:,} bytes per token ({whose}: {shape.description})"
    why = f"{tokens:,} tokens × {per_token}, f16 cache, one sequence"
    if shape.window:
        why += (
            f"; sliding-window layers keep only {shape.window:,} tokens, "
            f"so beyond that the cache grows by {shape.full_bytes_per_token:,} bytes per token"
        )
        exact = False  # llama.cpp pads the window cache by a batch
    return Figure(bytes=total, exact=exact, why=why)


def _context(requested: int | None, model_max: int | None, notes: list[str]) -> int:
    if requested is not None:
        if requested <= 0:
            raise ValueError(f"context length must be positive, not {requested}")
        if model_max and requested > model_max:
            notes.append(f"{requested:,} tokens is more than the model's native context of {model_max:,}")
        return requested
    return min(DEFAULT_CONTEXT, model_max) if model_max else DEFAULT_CONTEXT


def combine(
    name: str,
    weights: Figure,
    kv_cache: Figure,
    *,
    parameters: int | None = None,
    active_parameters: int | None = None,
    bits_per_weight: float | None = None,
    architecture: str | None = None,
    context_length: int | None = None,
    kv_bytes_per_token: int | None = None,
    notes: list[str] | tuple[str, ...] = (),
    projector: Figure | None = None,
) -> MemoryEstimate:
    """Add weights, projector, KV cache and the fixed overhead into one estimate."""
    overhead = Figure(bytes=OVERHEAD_BYTES, exact=False, why=OVERHEAD_WHY)
    parts = [weights, kv_cache, overhead] + ([projector] if projector else [])
    known = [f.bytes for f in parts if f.bytes is not None]
    complete = all(f.bytes is not None for f in parts)
    if weights.bytes is None:
        total = Figure(bytes=None, exact=False, why="unknown, because the weights are unknown")
    else:
        names = "weights + projector" if projector else "weights"
        what = f"{names} + KV cache + overhead"
        if not complete:
            missing = [
                n
                for n, f in (("the KV cache", kv_cache), ("the projector", projector))
                if f and f.bytes is None
            ]
            what = f"{names} + overhead; {' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} not included"
        total = Figure(bytes=sum(known), exact=False, why=what)
    return MemoryEstimate(
        name=name,
        parameters=parameters,
        active_parameters=active_parameters,
        bits_per_weight=bits_per_weight,
        architecture=architecture,
        context_length=context_length if kv_cache.bytes is not None else None,
        kv_bytes_per_token=kv_bytes_per_token,
        weights=weights,
        projector=projector,
        kv_cache=kv_cache,
        overhead=overhead,
        total=total,
        complete=complete,
        notes=tuple(notes),
    )


def estimate(m: ModelName, context_length: int | None = None) -> MemoryEstimate:
    """Estimate the memory to run the model a parsed name describes (see the module docstring)."""
    found = find_architecture(m) if m.role in (None, "model") else None
    w = weights(m, found[0] if found else None)
    total, active, notes = w.total, w.active, list(w.notes)
    bpw = w.bits.bits if w.bits is not None else None
    arch_id = None
    per_token = None
    tokens = None
    if found is not None:
        row, note = found
        if note:
            notes.append(note)
        if active is None and row.experts and row.experts_used and total:
            notes[:] = [
                n.replace("a few experts' worth", f"{row.experts_used} of {row.experts} experts")
                for n in notes
            ]
        limit = m.context_length or row.context_length
        tokens = _context(context_length, limit, notes)
        shape = kv_shape(row)
        kv = _kv_figure(shape, tokens, exact=False, whose=f"{row.id} from tables/architectures.toml")
        arch_id, per_token = row.id, shape.bytes_per_token
    elif m.role in ("mmproj", "lora", "imatrix"):
        kv = Figure(bytes=0, exact=True, why=f"a {m.role} file has no KV cache of its own")
    else:
        _context(context_length, None, notes)  # still reject a bad value
        kv = Figure(
            bytes=None,
            exact=False,
            why=(
                "not included: the attention shape of this model is not known (it is not in the table of "
                "well-known models); a GGUF file's header has it, see `modelname inspect`"
            ),
        )
    return combine(
        m.name,
        Figure(bytes=w.bytes, exact=False, why=w.why),
        kv,
        parameters=total,
        active_parameters=active,
        bits_per_weight=bpw,
        architecture=arch_id,
        context_length=tokens,
        kv_bytes_per_token=per_token,
        notes=notes,
    )


# --------------------------------------------------------------------------- memory sizes

_UNITS = {
    "": GB,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": GB,
    "gb": GB,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": GiB,
    "tib": 2**40,
    "ki": 2**10,
    "mi": 2**20,
    "gi": GiB,
    "ti": 2**40,
}
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_memory(text: int | float | str) -> int:
    """Bytes from ``"12GB"``, ``"12 GiB"``, ``"800MB"`` or ``"12"`` (a bare number is GB).

    GB, MB, TB are powers of ten; GiB, MiB, TiB powers of two.  A GPU sold as "24 GB" has 24 GiB.
    """
    if isinstance(text, bool):
        raise ValueError(f"not a memory size: {text!r}")
    if isinstance(text, int):
        value = text
    elif isinstance(text, float):
        value = round(text)
    else:
        match = _MEMORY.match(text)
        unit = match.group(2).lower() if match else None
        if not match or unit not in _UNITS:
            raise ValueError(f"cannot read memory size {text!r}: write it like 12GB, 12GiB, 800MB or 12 (GB)")
        value = round(float(match.group(1)) * _UNITS[unit])
    if value <= 0:
        raise ValueError(f"memory size must be positive, not {text!r}")
    return value


def format_bytes(n: int) -> str:
    """``4.89 GB (4.56 GiB)``; small sizes in MB (MiB)."""
    if abs(n) < GB:
        return f"{n / 10**6:,.1f} MB ({n / 2**20:,.1f} MiB)"
    return f"{n / GB:,.2f} GB ({n / GiB:,.2f} GiB)"
