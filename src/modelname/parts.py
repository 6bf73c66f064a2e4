"""The parts of a :class:`~modelname.ModelName`: sizes, quantization, format, shard, distillation,
alias and explanation.  Frozen pydantic models holding tuples, so results are hashable.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, field_serializer

__all__ = [
    "Parameters",
    "Quantization",
    "Format",
    "Shard",
    "Distill",
    "Resolved",
    "Checkpoint",
    "NameWarning",
    "Explanation",
    "Kind",
    "Source",
    "Role",
    "trusted",
    "Result",
]

Kind = Literal["hf_repo", "gguf_file", "file", "ollama_tag", "api_name"]
Source = Literal["table", "pattern"]
Role = Literal["model", "mmproj", "lora", "imatrix"]
_M = TypeVar("_M", bound=BaseModel)


def trusted(cls: type[_M], values: dict[str, Any], private: dict[str, Any] | None = None) -> _M:
    """An instance of a result model from values the reader made (already of the field types and
    complete): what ``model_construct`` does, without its per-field work.  A test checks that every
    fixture's result built this way equals the one pydantic validates from its JSON form."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", private)
    return obj


class Result(BaseModel):
    """The base of every result model: frozen, strict about keys, built lazily.

    Field descriptions are the attribute docstrings below each field.  They are read from the source
    only when a JSON schema is asked for (pydantic's ``use_attribute_docstrings`` reads every class's
    source at import, which a command line's start cannot afford), and ``defer_build`` leaves
    pydantic's validator unbuilt until something is validated.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        _describe_results()
        return super().model_json_schema(*args, **kwargs)


_described = False


def _describe_results() -> None:
    """Give every result model's fields their attribute docstrings as descriptions (once)."""
    global _described
    if _described:
        return
    todo, seen = list(Result.__subclasses__()), []
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo += cls.__subclasses__()
    for cls in seen:
        docs = _attribute_docs(cls)
        for name, info in cls.model_fields.items():
            if info.description is None and name in docs:
                info.description = docs[name]
    for _ in range(2):  # twice: a model's schema holds the schemas of the models in its fields
        for cls in seen:
            cls.model_rebuild(force=True)
    _described = True


def _attribute_docs(cls: type) -> dict[str, str]:
    """``{field: docstring}`` for the string literals right below annotated fields in ``cls``'s source."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs = {}
    for node, after in zip(body, body[1:]):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


class _Part(Result):
    pass


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


class Checkpoint(_Part):
    """The published checkpoint a name identifies: its true figures (``tables/checkpoints.toml``)."""

    id: str
    """The vendor's own repo id (``Qwen/Qwen2.5-72B-Instruct``)."""
    total: int | None = None
    """All parameters (every expert); the size label in the name is rounded."""
    total_exact: bool = False
    """True when ``total`` is an exact count, false when it is the card's rounded figure."""
    active: int | None = None
    """Parameters used per token (mixtures of experts)."""
    context_length: int | None = None
    """Native context length in tokens."""
    released: str | None = None
    """First public release (ISO date or year-month)."""
    dtype: str | None = None
    """The weights as published (``bf16``; ``mxfp4`` for gpt-oss, ``fp8`` for DeepSeek-V3)."""
    source: str
    """Where the figures come from."""


class NameWarning(_Part):
    """Something about the name a user should know before relying on it."""

    code: Literal["unknown_model"]
    """``unknown_model``: a model id of an API-only family that no real model has."""
    en: str
    zh: str


class Explanation(_Part):
    field: str
    """Which field of the result this part filled (``quantization``)."""
    token: str
    """The text in the name (``Q4_K_M``)."""
    en: str
    zh: str
