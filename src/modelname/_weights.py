"""The weights of the model a name describes: parameters × bits per weight ÷ 8 — the one estimator
every size figure comes from (``explain``'s sentences, ``memory``'s estimate, ``pick`` and ``fit``).

Kept apart from :mod:`modelname.memory`'s result models so that explaining a name does not build them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from .tables import key, load, vocabulary
from .tables.schema import Architecture, FileType

if TYPE_CHECKING:
    from .model import ModelName

__all__ = [
    "Bits",
    "Weights",
    "OLLAMA_DEFAULT",
    "SIXTEEN_BIT",
    "scheme_bits",
    "default_bits",
    "bits_for_scheme",
    "weights",
    "weights_at",
]


class Bits(NamedTuple):
    """Bits per weight for a size estimate, and what they are."""

    bits: float
    whole_file: bool
    """True for a whole-file average (embeddings and output at their own precision included)."""
    basis: str
    """``file average``, ``exact type``, ``nominal bits`` or ``16-bit original`` — for short sentences."""
    why: str
    """How the figure was chosen, in a clause."""


OLLAMA_DEFAULT = "Q4_K_M"
"""What an Ollama tag without a quant downloads: its library's default 4-bit build."""


def scheme_bits(m: ModelName) -> Bits | None:
    """Bits per weight for the name's quantization: the scheme's whole-file average where the
    table has it, else its main tensor type's exact size, else its nominal bits."""
    q = m.quantization
    if q is None:
        return None
    row = vocabulary().file_types.get(key(q.scheme)) if q.method in ("gguf", "ggml", None) else None
    if row is not None:
        if row.file_bits_per_weight:
            how = (
                "derived from llama.cpp quantize.cpp's file size for Llama-3-8B"
                if row.file_bits_derived
                else "measured on Llama-3.1-8B by llama.cpp"
            )
            return Bits(
                float(row.file_bits_per_weight),
                True,
                "file average",
                f"{row.scheme}'s whole-file average, {how}",
            )
        if row.ftype is None:
            base = _base_scheme(row)
            if base is not None:
                return Bits(
                    base[0],
                    True,
                    "file average",
                    f"{row.scheme} is {base[1]} with some tensors kept at higher precision; "
                    f"{base[1]}'s whole-file average is used, the real file is a little larger",
                )
        if row.scheme == "F32":
            return Bits(32.0, True, "file average", "32-bit floats")
    if q.bits_per_weight:
        return Bits(
            float(q.bits_per_weight),
            False,
            "exact type",
            f"{q.scheme}'s main tensor type; a whole file is usually a little larger "
            "(embeddings and output are kept at higher precision)",
        )
    if q.bits:
        return Bits(
            float(q.bits),
            False,
            "nominal bits",
            f"{q.scheme}'s nominal bits; scales and unquantized layers add to it",
        )
    return None


def default_bits(m: ModelName) -> Bits | None:
    """Bits per weight when the name has no quantization: an Ollama tag downloads its default
    4-bit build; a checkpoint shipped quantized (gpt-oss: MXFP4) holds that; a repository or
    safetensors/PyTorch file holds the 16-bit original."""
    if m.quantization is not None:
        return None
    shipped = _shipped_bits(m)
    if shipped is not None and m.kind != "ollama_tag":
        return shipped
    if m.kind == "ollama_tag":
        row = vocabulary().file_types[key(OLLAMA_DEFAULT)]
        assert row.file_bits_per_weight is not None
        return Bits(
            row.file_bits_per_weight,
            True,
            "file average",
            f"an Ollama tag without a quant downloads its default build, usually {row.scheme}; `ollama show` tells",
        )
    if m.kind in ("hf_repo", "api_name", "file") and (
        m.format is None or m.format.id in ("safetensors", "pytorch")
    ):
        return Bits(
            16.0,
            False,
            "16-bit original",
            "no quantization in the name, so the 16-bit original (BF16/FP16) is assumed",
        )
    return None


def _published_bits(m: ModelName) -> Bits | None:
    """A name that is a published checkpoint's own id and carries a quant word: the checkpoint's
    published dtype, which is what the download holds (1bitLLM/bitnet_b1_58-3B says b1.58, the way
    it was trained, but its files are 32-bit floats)."""
    cp = m.checkpoint
    if cp is None or not cp.dtype or m.quantization is None:
        return None
    if key(m.name.rsplit("/", 1)[-1]) != key(cp.id.rsplit("/", 1)[-1]):
        return None
    word = vocabulary().quant_words.get(key(cp.dtype))
    if word is None or not word.bits_per_weight or key(word.scheme) == key(m.quantization.scheme):
        return None
    return Bits(
        float(word.bits_per_weight),
        word.bits_per_weight >= 16,
        "published dtype",
        f"{cp.id} is published in {word.scheme}, whatever its name says",
    )


def _shipped_bits(m: ModelName) -> Bits | None:
    """The bits of a checkpoint published already quantized (its ``dtype``, a quant word)."""
    cp = m.checkpoint
    if cp is None or not cp.dtype:
        return None
    word = vocabulary().quant_words.get(key(cp.dtype))
    if word is None or not word.bits_per_weight or word.bits_per_weight >= 16:
        return None
    return Bits(
        float(word.bits_per_weight),
        False,
        "shipped type",
        f"{cp.id} is published in {word.scheme}; the other tensors are 16-bit, so the file is a little larger",
    )


def bits_for_scheme(scheme: str) -> Bits | None:
    """Bits per weight of a llama.cpp scheme by name (``Q4_K_M``), for "what if" figures."""
    row = vocabulary().file_types.get(key(scheme))
    if row is None or not row.file_bits_per_weight:
        return None
    return Bits(row.file_bits_per_weight, True, "file average", f"{row.scheme}'s whole-file average")


SIXTEEN_BIT = Bits(16.0, False, "16-bit original", "the 16-bit original (BF16/FP16)")
"""What a model takes unquantized."""


def weights_at(m: ModelName, bits: Bits) -> int | None:
    """Bytes of the model's weights if stored at ``bits`` ("what if" figures: the 16-bit original,
    a Q4_K_M file of a repository that holds several quantizations)."""
    w = weights(m)
    total = w.total if w.total is not None else (m.parameters.total if m.parameters else None)
    if total is None or m.role in ("mmproj", "lora", "imatrix"):
        return None
    return round(total * bits.bits / 8)


def _base_scheme(row: FileType) -> tuple[float, str] | None:
    """For third-party schemes (Q6_K_L, UD-Q4_K_XL): the largest llama.cpp file type with the same main tensor type."""
    best: tuple[float, str] | None = None
    for other in load("file_types.toml"):
        if other.ftype is None or other.removed or other.tensor_type != row.tensor_type:
            continue
        bits = other.file_bits_per_weight
        if bits and (best is None or bits > best[0]):
            best = (float(bits), other.scheme)
    return best


_LABEL = re.compile(r"^(\d+(?:\.\d+)?)([MBT])$")


def _label_total(label: str) -> int | None:
    match = _LABEL.match(label)
    if not match:
        return None
    return round(float(match.group(1)) * {"M": 1e6, "B": 1e9, "T": 1e12}[match.group(2)])


class Weights(NamedTuple):
    """The weights of the model a name describes (an estimate from the name: never exact), and what
    they were computed from."""

    bytes: int | None
    """None when the name does not say enough; ``why`` says what is missing."""
    why: str
    total: int | None = None
    """All parameters counted (every expert)."""
    active: int | None = None
    label: str | None = None
    """The size label the count comes from."""
    bits: Bits | None = None
    notes: tuple[str, ...] = ()


def weights(m: ModelName, row: Architecture | None = None) -> Weights:
    """The weights of the model a name describes: all parameters × bits per weight ÷ 8.

    Projectors, adapters and importance matrices are not sized from the name (its size label is
    the language model's); effective parameters (Gemma's E4B) are not the total that must be in
    memory; a name without a size takes the size of its architectures.toml row when it has one.
    """
    if m.role in ("mmproj", "lora", "imatrix"):
        what = {
            "mmproj": "this is a multimodal projector; the size label in its name is the language model's, not its own",
            "lora": "this is a LoRA adapter; the size label in its name is the language model's, not its own",
            "imatrix": "an importance matrix is input for quantizing, not a model to run",
        }[m.role]
        return Weights(None, what)
    p = m.parameters
    total, label, notes = (p.total, p.label, []) if p else (None, None, [])
    cp = m.checkpoint
    counted = None
    if cp is not None and cp.total:
        total, label = cp.total, label or cp.id.rsplit("/", 1)[-1]
        counted = f"{cp.id} has {cp.total:,} parameters ({'counted' if cp.total_exact else 'its card'})"
    if counted is None and p is None and row is not None and row.sizes and _label_total(row.sizes[0]):
        # Phi-3-mini, phi-4: the name has no size, but the table row for it does.
        label, total = row.sizes[0], _label_total(row.sizes[0])
        notes.append(f"the name has no size; {row.id} is {label} (tables/architectures.toml)")
    if total is None:
        why = "the name does not say how many parameters the model has"
        if p and p.effective:
            why = f"{p.label} gives effective parameters, not the total that must be in memory"
        return Weights(None, why, notes=tuple(notes))
    active = cp.active if cp is not None and cp.total else (p.active if p else None)
    bits = _published_bits(m) or scheme_bits(m) or default_bits(m)
    if bits is None:
        why = "the name does not say the quantization"
        return Weights(None, why, total, active, label, None, tuple(notes))
    if counted is not None:
        why = f"{counted} × {bits.bits:g} bits ({bits.why}) ÷ 8"
    else:
        why = f"{label} parameters ({total:,}; size labels are rounded) × {bits.bits:g} bits ({bits.why}) ÷ 8"
    if (p and p.experts) or active:
        computed = f"{active / 1e9:.3g}B" if active else "a few experts' worth"
        notes.append(
            f"mixture of experts: all {total / 1e9:.3g}B parameters must be in memory, "
            f"but only {computed} are computed per token (speed follows the active count)"
        )
    return Weights(round(total * bits.bits / 8), why, total, active, label, bits, tuple(notes))
