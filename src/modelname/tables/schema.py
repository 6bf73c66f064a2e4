"""Pydantic models of the vocabulary tables (one model per kind of row).

The tables are TOML files beside this module.  They are *read* without
validation (fast start-up); the test suite validates every row against these
models (``extra="forbid"``, so a misspelt key fails), and
``modelname vocab --schema`` prints the JSON schema for editors.

Every row that states a fact carries a ``source``; every row has an English
(``en``) and a Chinese (``zh``) sentence for people who do not know the term.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Vendor",
    "Family",
    "GgmlType",
    "FileType",
    "QuantMethod",
    "QuantWord",
    "Format",
    "Tag",
    "Provider",
    "Uploader",
    "OllamaAlias",
    "TABLES",
    "FUNCTION_IDS",
    "CATEGORY_IDS",
    "METHOD_IDS",
    "FORMAT_IDS",
    "ROLE_IDS",
]

CATEGORY_IDS = ("chat", "embedding", "reranker", "image-generation", "speech", "video")
METHOD_IDS = (
    "gguf",
    "ggml",
    "gptq",
    "awq",
    "exl2",
    "exl3",
    "bnb",
    "mlx",
    "mlc",
    "fp8",
    "nvfp4",
    "mxfp4",
    "int4",
    "int8",
    "hqq",
    "aqlm",
    "quip",
    "bitnet",
)
FORMAT_IDS = (
    "gguf",
    "ggml",
    "safetensors",
    "pytorch",
    "onnx",
    "mlx",
    "mlc",
    "exl2",
    "llamafile",
    "tensorflow",
    "keras",
    "tflite",
    "coreml",
    "tensorrt",
)
ROLE_IDS = ("model", "mmproj", "lora", "imatrix")

Function = Literal[
    "instruct",
    "chat",
    "base",
    "coder",
    "math",
    "vision",
    "audio",
    "omni",
    "embedding",
    "reranker",
    "reasoning",
    "tool-use",
    "fim",
    "guard",
    "ocr",
]
Category = Literal["chat", "embedding", "reranker", "image-generation", "speech", "video"]
FUNCTION_IDS: tuple[str, ...] = get_args(Function)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    en: str = Field(min_length=1)
    """One plain-language English sentence (or a few) for someone new to the term."""
    zh: str = Field(min_length=1)
    """The same explanation in Chinese (简体中文)."""


class Vendor(_Row):
    name: str
    """Short name used in results (``Alibaba``, ``Mistral AI``)."""
    full_name: str
    """Longer official name."""
    zh_name: str | None = None
    """Chinese name where the company has one (阿里巴巴)."""
    country: str
    """ISO country code(s) of the headquarters."""
    orgs: list[str] = []
    """Hugging Face / ModelScope namespaces owned by the vendor (``Qwen``, ``deepseek-ai``)."""
    aliases: list[str] = []
    """Words in model names that stand for the vendor (``Meta`` in Meta-Llama-3)."""
    source: str
    """Where these facts come from."""


class VersionNote(BaseModel):
    """What one version of a family is (DeepSeek R1 = the reasoning model)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aliases: list[str] = []
    """Other spellings of this version in names (Azure's ``35`` for GPT 3.5)."""
    functions: list[Function] = []
    """Functions this version implies (R1 → reasoning)."""
    teacher: bool = False
    """A name with this version followed by another family is a distillation from it
    (DeepSeek-R1-0528-Qwen3-8B: R1-0528 taught Qwen 3)."""
    en: str | None = None
    zh: str | None = None


class Family(_Row):
    name: str
    """The family as reported in ``ModelName.family`` (``Qwen``, ``Llama``)."""
    vendor: str
    """``Vendor.name`` of who makes it."""
    zh_name: str | None = None
    """Chinese product name where there is one (通义千问)."""
    aliases: list[str] = []
    """Lower-case spellings in names; ``-`` joins words (``gpt-oss``, ``code-llama``)."""
    prefixes: list[str] = []
    """Short spellings that name the family only with a version glued on (``l`` of ``L3.1``)."""
    version_letters: list[str] = []
    """Letters that belong to this family's versions and are kept (``R`` of DeepSeek-R1)."""
    date_format: Literal["yymm", "mmdd", "mmyy"] | None = None
    """How a four-digit suffix reads for this family (Mistral ``2407`` = 2024-07, AI2 ``0424`` = 2024-04)."""
    category: Literal["chat", "embedding", "reranker", "image-generation", "speech", "video", "none"] = "chat"
    """The kind of model the family is (``chat`` for text generation; ``none`` when it has several kinds)."""
    functions: list[Function] = []
    """Functions implied by the family itself (QwQ → reasoning)."""
    derivative: bool = False
    """True for fine-tune lines built on other families' models (Hermes, Dolphin)."""
    weights: Literal["open", "closed"] = "open"
    """``closed`` for API-only families whose weights cannot be downloaded (GPT-4o, Claude)."""
    known_sizes: dict[str, float] = {}
    """Total parameters for size labels that do not say them (``8x7B`` = 46.7e9)."""
    size_words: list[str] = []
    """Words that are size tiers in this family rather than tags (Whisper's ``base``, T5's ``xxl``)."""
    versions: dict[str, VersionNote] = {}
    """Notes on particular versions: what they imply and what they are."""
    source: str
    """Where these facts come from."""


class GgmlType(_Row):
    name: str
    """Tensor type as in gguf-py ``GGMLQuantizationType`` (``Q4_K``)."""
    id: int
    block_size: int
    """Weights per block."""
    type_size: int
    """Bytes per block."""
    bits_per_weight: float
    """``type_size * 8 / block_size``; a test checks it against the gguf package."""
    source: str


class FileType(_Row):
    scheme: str
    """llama.cpp file type name (``Q4_K_M``) as it appears in file names, upper-case."""
    ftype: int | None = None
    """``general.file_type`` id (``LlamaFileType``); null for third-party schemes (``Q4_K_XL``)."""
    tensor_type: str
    """The main tensor type of the mix (``Q4_K``); its bits per weight is the scheme's."""
    bits: int
    """Nominal bits (4 for Q4_K_M)."""
    file_bits_per_weight: float | None = None
    """Measured whole-file average (Llama-3.1-8B, llama.cpp tools/quantize/README.md)."""
    aliases: list[str] = []
    """Other spellings (``q4_k`` for Q4_K_M)."""
    removed: bool = False
    """No longer written by llama.cpp (Q4_0_4_4, ggml-era Q4_2)."""
    source: str


class QuantMethod(_Row):
    id: str
    """One of ``METHOD_IDS``."""
    name: str
    """Display name (``GPTQ``)."""
    aliases: list[str] = []
    """Lower-case name words that mean this method (``gptq``, ``autogptq``)."""
    bits: float | None = None
    """Nominal bits when the method fixes them (AWQ = 4)."""
    bits_per_weight: float | None = None
    """Storage bits per weight including scales, when the method fixes it."""
    runtimes: list[str] = []
    """What loads it (vLLM, transformers, llama.cpp …)."""
    source: str


class QuantWord(_Row):
    word: str
    """A quant spelling in names (``int4``, ``4bit``, ``nf4``, ``fp8-dynamic``), lower-case."""
    scheme: str
    """What ``quantization.scheme`` shows (``INT4``, ``NF4``, ``FP8-Dynamic``)."""
    method: str | None = None
    """One of ``METHOD_IDS``, or null for a plain dtype (``fp16``)."""
    bits: float | None = None
    bits_per_weight: float | None = None
    source: str


class Format(_Row):
    id: str
    """One of ``FORMAT_IDS``."""
    name: str
    extensions: list[str] = []
    """File extensions (lower-case, no dot)."""
    aliases: list[str] = []
    """Words in names that imply the format (``gguf`` in ``…-GGUF``)."""
    runtimes: list[str] = []
    source: str


class Tag(_Row):
    word: str
    """Canonical spelling (``Instruct``)."""
    field: Literal[
        "functions",
        "variant",
        "training",
        "finetune",
        "role",
        "marker",
        "filler",
    ]
    """Where the word goes in the result."""
    id: str | None = None
    """For ``functions``: the function id; for ``role``: the role id; for ``marker``: imatrix / dynamic / …"""
    aliases: list[str] = []
    """Lower-case spellings (``it``, ``inst`` for Instruct)."""
    category: Category | None = None
    """A category the word implies (``embedding`` for embed)."""
    source: str | None = None


class Provider(_Row):
    name: str
    """Prefix or suffix as written (``bedrock``, ``free``)."""
    where: Literal["prefix", "suffix", "path"]
    """``prefix``: a namespace before the model; ``suffix``: after ``:``; ``path``: words inside a provider path."""
    aliases: list[str] = []
    display: str | None = None
    """Human name of the service (Amazon Bedrock)."""
    source: str | None = None


class Uploader(_Row):
    name: str
    """Hub namespace of a re-uploader or quantizer (``bartowski``)."""
    aliases: list[str] = []
    """Other spellings, also words that lead their file names (``huihui`` of Huihui-gpt-oss-…)."""
    format: str | None = None
    """The format everything under this namespace is in (``mlx`` for mlx-community)."""
    source: str | None = None


class OllamaAlias(_Row):
    name: str
    """Ollama library name and tag (``deepseek-r1:7b``)."""
    resolves_to: str
    """The real model (``DeepSeek-R1-Distill-Qwen-7B``)."""
    since: str | None = None
    """First date (ISO) the tag pointed there, when known."""
    until: str | None = None
    """Last date it pointed there; null = still does."""
    source: str


TABLES: dict[str, tuple[str, type[_Row]]] = {
    # file name: (array key in the file, row model)
    "vendors.toml": ("vendor", Vendor),
    "families.toml": ("family", Family),
    "ggml_types.toml": ("ggml_type", GgmlType),
    "file_types.toml": ("file_type", FileType),
    "quant_methods.toml": ("method", QuantMethod),
    "quant_words.toml": ("quant", QuantWord),
    "formats.toml": ("format", Format),
    "tags.toml": ("tag", Tag),
    "providers.toml": ("provider", Provider),
    "uploaders.toml": ("uploader", Uploader),
    "ollama.toml": ("alias", OllamaAlias),
}
