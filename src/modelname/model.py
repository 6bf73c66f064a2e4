"""The typed result of :func:`modelname.parse`: :class:`ModelName` and its parts.

All models are frozen and hold tuples, so results are hashable and can be used
as dict keys or in sets.  ``model_dump(mode="json")`` gives the documented JSON
form; ``explanations`` and ``canonical`` are computed on first access.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field, field_serializer, field_validator, model_validator

if TYPE_CHECKING:
    from .memory import MemoryEstimate

__all__ = [
    "ModelName",
    "Parameters",
    "Quantization",
    "Format",
    "Shard",
    "Distill",
    "Resolved",
    "Explanation",
    "Kind",
    "Source",
    "SCHEMA_VERSION",
]

SCHEMA_VERSION = 1

Kind = Literal["hf_repo", "gguf_file", "file", "ollama_tag", "api_name"]
Source = Literal["table", "pattern"]
Role = Literal["model", "mmproj", "lora", "imatrix"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Parameters(_Part):
    label: str
    """Normalised size label: ``7B``, ``1.5B``, ``135M``, ``8x7B``, ``30B-A3B``, ``17B-16E``, ``E4B``."""
    total: int | None = None
    """All parameters (for MoE: every expert), when the name or a table says it."""
    active: int | None = None
    """Parameters used per token in a mixture-of-experts model (``A3B`` → 3e9)."""
    experts: int | None = None
    """Number of experts (``8x7B`` → 8, ``17B-16E`` → 16)."""
    effective: int | None = None
    """Effective parameters of Gemma's E-series (``E4B`` → 4e9)."""


class Quantization(_Part):
    scheme: str
    """``Q4_K_M``, ``IQ1_S``, ``F16``, ``BF16`` for GGUF; the method's own spelling otherwise (``AWQ``, ``GPTQ-Int8``)."""
    method: str | None = None
    """``gguf``, ``ggml``, ``gptq``, ``awq``, ``exl2``, ``exl3``, ``bnb``, ``mlx``, ``mlc``, ``fp8``, ``nvfp4``,
    ``mxfp4``, ``int4``, ``int8``, ``hqq``, ``aqlm``, ``quip``, ``bitnet``; null for a plain dtype."""
    bits: float | None = None
    """Nominal bits (Q4_K_M → 4, EXL2 4.65bpw → 4.65); null when not stated."""
    bits_per_weight: float | None = None
    """Exact bits per weight of the scheme's main tensor type (Q4_K_M → Q4_K → 4.5)."""
    file_bits_per_weight: float | None = None
    """Measured whole-file average where known (Q4_K_M ≈ 4.89 on Llama-3.1-8B); used for size estimates."""
    imatrix: bool = False
    """Quantized with an importance matrix (``i1-``, ``-imat``)."""
    dynamic: bool = False
    """Unsloth Dynamic per-layer mix (``UD-``)."""

    @field_serializer("bits", "bits_per_weight", "file_bits_per_weight")
    def _number(self, value: float | None) -> float | int | None:
        if value is not None and float(value).is_integer():
            return int(value)
        return value


class Format(_Part):
    id: str
    """``gguf``, ``ggml``, ``safetensors``, ``pytorch``, ``onnx``, ``mlx``, ``mlc``, ``exl2``, ``llamafile``,
    ``tensorflow``, ``keras``, ``tflite``, ``coreml``, ``tensorrt``."""
    extension: str | None = None
    """Lower-case extension without the dot; null when the format is only implied (a ``…-GGUF`` repo)."""


class Shard(_Part):
    index: int
    total: int


class Distill(_Part):
    teacher: str | None = None
    """The model whose outputs trained this one (``DeepSeek-R1``)."""
    base: str | None = None
    """The student's base family (``Qwen``)."""


class Resolved(_Part):
    name: str
    """The model the alias really is."""
    reason: str
    """Why, in plain English."""


class Explanation(_Part):
    field: str
    """Which field of the result this part filled (``quantization``)."""
    token: str
    """The text in the name (``Q4_K_M``)."""
    en: str
    zh: str


class ModelName(BaseModel):
    """Everything a model name says, with where each piece of knowledge came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

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
    quantization: Quantization | None = None
    format: Format | None = None
    role: Role | None = None
    shard: Shard | None = None
    resolved: Resolved | None = None
    provenance: tuple[tuple[str, Source], ...] = ()
    """For each filled field: ``table`` (known vocabulary) or ``pattern`` (shape or position alone)."""
    unrecognized: tuple[str, ...] = ()
    """Tokens that could be placed nowhere, in order."""

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # The JSON form carries the computed fields; accept it back (round trip).
        if isinstance(data, dict) and ("explanations" in data or "canonical" in data):
            data = {k: v for k, v in data.items() if k not in ("explanations", "canonical")}
        return data

    @field_validator("provenance", mode="before")
    @classmethod
    def _provenance_in(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return tuple(value.items())
        return value

    @field_serializer("provenance")
    def _provenance_out(self, value: tuple[tuple[str, str], ...]) -> dict[str, str]:
        return dict(value)

    def source_of(self, field: str) -> Source | None:
        """``table`` or ``pattern`` for a filled field, else None."""
        for name, source in self.provenance:
            if name == field:
                return source
        return None

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
