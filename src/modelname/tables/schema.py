"""The row types of the vocabulary tables (one read-only dataclass per kind of row).

The tables are TOML files beside this module.  Every row is validated against its type by
pydantic when the table is read (``extra="forbid"``, so a misspelt key fails at once; value
types, literals and bounds are checked), and the code works on the typed rows;
``modelname vocab --schema TABLE`` prints the JSON schema for editors.  The validated rows are
kept in a JSON cache (``modelname.tables``), so a later start builds them without pydantic.
References between tables (a tag's function id, a family's vendor and category, a quant word's
method) are checked when the lookup indexes are built (:func:`modelname.tables.vocabulary`).

Every row that states a fact carries a ``source``; every row has an English (``en``) and a
Chinese (``zh``) sentence for people who do not know the term.  Behaviour that depends on a word
(which methods take a following bit count, which formats hold language models, which tier words
belong to a teacher's name) is a column here, never a list in the code.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from typing import Annotated, Any, Literal

from annotated_types import Gt, MinLen

__all__ = [
    "Row",
    "Vendor",
    "Family",
    "VersionNote",
    "GgmlType",
    "FileType",
    "QuantMethod",
    "QuantWord",
    "Format",
    "Tag",
    "Provider",
    "Uploader",
    "OllamaAlias",
    "Function",
    "Category",
    "NameKind",
    "Architecture",
    "Checkpoint",
    "ApiModel",
    "Meaning",
    "TABLES",
    "ROLE_IDS",
]

ROLE_IDS = ("model", "mmproj", "lora", "imatrix")


# How pydantic validates these dataclasses (read from __pydantic_config__ on each class).
_CONFIG: Any = {"extra": "forbid", "use_attribute_docstrings": True}
Text = Annotated[str, MinLen(1)]
Count = Annotated[int, Gt(0)]
_ROW = {"kw_only": True, "eq": False, "repr": False}
# Only __init__ is generated for each row type (a frozen dataclass would compile four functions per
# class at every start); _Frozen gives every row the same repr and refuses a second assignment.


class _Frozen:
    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__:
            raise FrozenInstanceError(f"cannot assign to field {name!r}: table rows are read-only")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: table rows are read-only")

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({values})"


@dataclass(**_ROW)
class Row(_Frozen):
    __pydantic_config__ = _CONFIG

    en: Text
    """One plain-language English sentence (or a few) for someone new to the term."""
    zh: Text
    """The same explanation in Chinese (简体中文)."""


@dataclass(**_ROW)
class Vendor(Row):
    name: str
    """Short name used in results (``Alibaba``, ``Mistral AI``)."""
    full_name: str
    """Longer official name."""
    zh_name: str | None = None
    """Chinese name where the company has one (阿里巴巴)."""
    country: str
    """ISO country code(s) of the headquarters."""
    orgs: tuple[str, ...] = ()
    """Hugging Face / ModelScope namespaces owned by the vendor (``Qwen``, ``deepseek-ai``)."""
    aliases: tuple[str, ...] = ()
    """Words in model names that stand for the vendor (``Meta`` in Meta-Llama-3)."""
    source: str
    """Where these facts come from."""


@dataclass(**_ROW)
class VersionNote(_Frozen):
    """What one version of a family is (DeepSeek R1 = the reasoning model)."""

    __pydantic_config__ = _CONFIG

    aliases: tuple[str, ...] = ()
    """Other spellings of this version in names (Azure's ``35`` for GPT 3.5)."""
    functions: tuple[str, ...] = ()
    """Function ids (``functions.toml``) this version implies (R1 → reasoning)."""
    teacher: bool = False
    """A name with this version followed by another family is a distillation from it
    (DeepSeek-R1-0528-Qwen3-8B: R1-0528 taught Qwen 3)."""
    en: str | None = None
    zh: str | None = None


@dataclass(**_ROW)
class Family(Row):
    name: str
    """The family as reported in ``ModelName.family`` (``Qwen``, ``Llama``)."""
    vendor: str
    """``Vendor.name`` of who makes it."""
    zh_name: str | None = None
    """Chinese product name where there is one (通义千问)."""
    aliases: tuple[str, ...] = ()
    """Lower-case spellings in names; ``-`` joins words (``gpt-oss``, ``code-llama``)."""
    prefixes: tuple[str, ...] = ()
    """Short spellings that name the family only with a version glued on (``l`` of ``L3.1``)."""
    version_letters: tuple[str, ...] = ()
    """Letters that belong to this family's versions and are kept (``R`` of DeepSeek-R1)."""
    date_format: Literal["yymm", "mmdd", "mmyy"] | None = None
    """How a four-digit suffix reads for this family (Mistral ``2407`` = 2024-07, AI2 ``0424`` = 2024-04)."""
    category: str = "chat"
    """A ``categories.toml`` id: the kind of model the family is; ``none`` when it has several kinds."""
    functions: tuple[str, ...] = ()
    """Function ids (``functions.toml``) implied by the family itself (QwQ → reasoning)."""
    derivative: bool = False
    """True for fine-tune lines built on other families' models (Hermes, Dolphin)."""
    weights: Literal["open", "closed"] = "open"
    """``closed`` for API-only families whose weights cannot be downloaded (GPT-4o, Claude)."""
    known_sizes: dict[str, float] = field(default_factory=dict)
    """Total parameters for size labels that do not say them (``8x7B`` = 46.7e9)."""
    size_words: tuple[str, ...] = ()
    """Words that are size tiers in this family rather than tags (Whisper's ``base``, T5's ``xxl``)."""
    versions: dict[str, VersionNote] = field(default_factory=dict)
    """Notes on particular versions: what they imply and what they are."""
    source: str
    """Where these facts come from."""


@dataclass(**_ROW)
class GgmlType(Row):
    name: str
    """Tensor type as in gguf-py ``GGMLQuantizationType`` (``Q4_K``)."""
    id: int
    block_size: Count
    """Weights per block."""
    type_size: Count
    """Bytes per block."""
    bits_per_weight: float
    """``type_size * 8 / block_size``; a test checks it against the gguf package."""
    source: str


@dataclass(**_ROW)
class FileType(Row):
    scheme: str
    """llama.cpp file type name (``Q4_K_M``) as it appears in file names, upper-case."""
    ftype: int | None = None
    """``general.file_type`` id (``LlamaFileType``); null for third-party schemes (``Q4_K_XL``)."""
    tensor_type: str
    """The main tensor type of the mix (``Q4_K``); its bits per weight is the scheme's."""
    bits: int
    """Nominal bits (4 for Q4_K_M)."""
    file_bits_per_weight: float | None = None
    """Whole-file average bits per weight on Llama-3.x-8B (llama.cpp), for size estimates."""
    file_bits_derived: bool = False
    """``file_bits_per_weight`` is derived from quantize.cpp's listed file size, not measured."""
    aliases: tuple[str, ...] = ()
    """Other spellings (``q4_k`` for Q4_K_M)."""
    removed: bool = False
    """No longer written by llama.cpp (Q4_0_4_4, ggml-era Q4_2)."""
    source: str


@dataclass(**_ROW)
class QuantMethod(Row):
    id: str
    """The method id reported in ``quantization.method``."""
    name: str
    """Display name (``GPTQ``)."""
    aliases: tuple[str, ...] = ()
    """Lower-case name words that mean this method (``gptq``, ``autogptq``)."""
    bits: float | None = None
    """Nominal bits when the method fixes them (AWQ = 4)."""
    bits_per_weight: float | None = None
    """Storage bits per weight including scales, when the method fixes it."""
    takes_bits: bool = False
    """A bit word after the method's name gives its bits (``GPTQ-Int8``, ``MLX-4bit``, ``bnb-4bit``)."""
    plain: bool = False
    """A bare integer width (INT4): a method named after it refines it (``int4-awq``)."""
    as_format: bool = False
    """Its word in a name is read as the file format (``gguf``, ``mlx``), not as a method word."""
    bpw: bool = False
    """Writes its bits per weight as ``4.65bpw`` (ExLlama): a bare bpw figure is this method."""
    format: str | None = None
    """The ``formats.toml`` id its files are in, set when the name gives no other (EXL2)."""
    hub_tags: tuple[str, ...] = ()
    """Hugging Face Hub tags that name the method (``bitsandbytes``)."""
    runtimes: tuple[str, ...] = ()
    """What loads it (vLLM, transformers, llama.cpp …)."""
    source: str


@dataclass(**_ROW)
class QuantWord(Row):
    word: str
    """A quant spelling in names (``int4``, ``4bit``, ``nf4``, ``fp8-dynamic``), lower-case."""
    aliases: tuple[str, ...] = ()
    """Other spellings of the same word (``b1_58`` for ``b1.58``)."""
    scheme: str
    """What ``quantization.scheme`` shows (``INT4``, ``NF4``, ``FP8-Dynamic``)."""
    method: str | None = None
    """A ``quant_methods.toml`` id, or null for a plain dtype (``fp16``)."""
    bits: float | None = None
    bits_per_weight: float | None = None
    source: str


@dataclass(**_ROW)
class Format(Row):
    id: str
    """The format id reported in ``format.id``."""
    name: str
    extensions: tuple[str, ...] = ()
    """File extensions (lower-case, no dot)."""
    aliases: tuple[str, ...] = ()
    """Words in names that imply the format (``gguf`` in ``…-GGUF``)."""
    container: str | None = None
    """The llama.cpp container method (``gguf``/``ggml``) of files in this format: a dtype word such as
    ``f16`` in their names is then a llama.cpp file type."""
    llm: bool = False
    """Files in this format are runnable language models: a name with a size in it is a chat model."""
    hub_tags: tuple[str, ...] = ()
    """Hugging Face Hub tags or ``library_name`` values that name the format."""
    runtimes: tuple[str, ...] = ()
    source: str


@dataclass(**_ROW)
class Tag(Row):
    word: str
    """Canonical spelling (``Instruct``)."""
    field: Literal["functions", "variant", "training", "finetune", "role", "marker", "filler"]
    """Where the word goes in the result."""
    id: str | None = None
    """For ``functions``: a ``functions.toml`` id; for ``role``: the role id; for ``marker``: imatrix / dynamic / …"""
    aliases: tuple[str, ...] = ()
    """Lower-case spellings (``it``, ``inst`` for Instruct)."""
    category: str | None = None
    """A ``categories.toml`` id the word implies (``embedding`` for embed)."""
    tier: bool = False
    """A tier of a closed model (``Opus``, ``mini``) that stays with the teacher's name in a distillation."""
    release: bool = False
    """A release channel of the same model (``Preview``, ``Exp``), not another model: an API id with
    it is known when the id without it is."""
    source: str | None = None


@dataclass(**_ROW)
class Provider(Row):
    name: str
    """Prefix or suffix as written (``bedrock``, ``free``)."""
    where: Literal["prefix", "suffix", "path"]
    """``prefix``: a namespace before the model; ``suffix``: after ``:``; ``path``: words inside a provider path."""
    aliases: tuple[str, ...] = ()
    display: str | None = None
    """Human name of the service (Amazon Bedrock)."""
    region: bool = False
    """A region word (``us``, ``eu``, ``apac``): it may lead a Bedrock id (``us.anthropic.…``)."""
    source: str | None = None


@dataclass(**_ROW)
class Uploader(Row):
    name: str
    """Hub namespace of a re-uploader or quantizer (``bartowski``)."""
    aliases: tuple[str, ...] = ()
    """Other spellings, also words that lead their file names (``huihui`` of Huihui-gpt-oss-…)."""
    format: str | None = None
    """The ``formats.toml`` id everything under this namespace is in (``mlx`` for mlx-community)."""
    source: str | None = None


@dataclass(**_ROW)
class OllamaAlias(Row):
    name: str
    """Ollama library name and tag (``deepseek-r1:7b``)."""
    resolves_to: str
    """The real model (``DeepSeek-R1-Distill-Qwen-7B``)."""
    since: str | None = None
    """First date (ISO) the tag pointed there, when known."""
    until: str | None = None
    """Last date it pointed there; null = still does."""
    distill_teacher: str | None = None
    """What the real model's name says that the tag does not: its distillation teacher (DeepSeek-R1) …"""
    distill_base: str | None = None
    """… the family it was distilled into (Qwen) …"""
    base_model: str | None = None
    """… the family it was built on …"""
    parameters: str | None = None
    """… and its size label (7B).  A test checks these against the real model's name."""
    source: str


@dataclass(**_ROW)
class Function(Row):
    id: str
    """The function id reported in ``ModelName.functions`` (``instruct``, ``tool-use``)."""
    word: str
    """How the function is written in a canonical name (``Instruct``, ``Tool-Use``)."""
    chat: bool = False
    """A model with this function generates text: its category is ``chat`` unless something says otherwise."""
    pipeline_tags: tuple[str, ...] = ()
    """Hugging Face Hub ``pipeline_tag`` values that imply this function (``image-text-to-text`` → vision)."""
    tuning: bool = False
    """A tuning stage of one checkpoint (base, instruct, chat): the base and the tuned model have the same
    parameters, so a checkpoint found for one is the other's too."""


@dataclass(**_ROW)
class Category(Row):
    """``en``/``zh`` are the short label used in "Kind of model: …"."""

    id: str
    """The category id reported in ``ModelName.category``."""
    pipeline_tags: tuple[str, ...] = ()
    """Hugging Face Hub ``pipeline_tag`` values that mean this category."""
    size_tiers: bool = False
    """Families of this kind name their sizes by words (bge-base, bge-large): ``Base`` is then a size."""
    source: str | None = None


@dataclass(**_ROW)
class NameKind(Row):
    """``en``/``zh`` say what a name of this kind is."""

    id: Literal["hf_repo", "gguf_file", "file", "ollama_tag", "api_name"]


@dataclass(**_ROW)
class Architecture(_Frozen):
    """A row of ``architectures.toml``: the attention shape of one well-known model."""

    __pydantic_config__ = _CONFIG

    id: str
    family: str
    """``ModelName.family`` this row applies to."""
    versions: Annotated[tuple[str, ...], MinLen(1)]
    """``ModelName.version`` values this row applies to."""
    sizes: tuple[str, ...] = ()
    """Size labels as the parser normalises them (``8B``, ``30B-A3B``, ``8x7B``)."""
    variants: tuple[str, ...] = ()
    """Variants that name this model when the name has no size (``mini`` of Phi-3-mini)."""
    bare: bool = False
    """The one model of this family and version whose name has neither size nor variant (``phi-4``)."""
    distill_base: str | None = None
    """``ModelName.distill.base`` for distilled models (``Qwen`` of DeepSeek-R1-Distill-Qwen-7B)."""
    gguf_architecture: str
    """``general.architecture`` of this model's GGUF files."""
    layers: Count
    attention_heads: Count
    kv_heads: Count
    head_dim: Count
    hidden_size: Count
    context_length: Count
    """The model's native maximum context in tokens."""
    sliding_window: Count | None = None
    """Window of the sliding-window layers, in tokens."""
    sliding_window_layers: int = 0
    """How many of ``layers`` use the sliding window."""
    experts: int | None = None
    experts_used: int | None = None
    """Experts computed per token."""
    source: Text


@dataclass(**_ROW)
class Checkpoint(_Frozen):
    """A published checkpoint: the true figures behind a name's rounded label (or its missing one)."""

    __pydantic_config__ = _CONFIG

    id: Text
    """The vendor's own Hugging Face repo id (``Qwen/Qwen2.5-72B-Instruct``)."""
    family: Text
    """A ``families.toml`` name."""
    version: str | None = None
    """The version as modelname reads it from the id."""
    total: Count | None = None
    """All parameters (every expert of a mixture of experts); absent where no source gives it."""
    total_exact: bool = False
    """True when ``total`` is an exact count (safetensors metadata, or counted from config.json shapes);
    false when it is a card's rounded figure."""
    active: Count | None = None
    """Parameters used per token (mixtures of experts only)."""
    context_length: Count | None = None
    """Native context length in tokens, as the card or config.json states it."""
    released: Annotated[str, MinLen(7)] | None = None
    """First public release: ISO date or year-month."""
    architecture: str | None = None
    """config.json ``model_type``."""
    layers: Count | None = None
    kv_heads: Count | None = None
    head_dim: Count | None = None
    dtype: str | None = None
    """The weights as shipped (``bf16``; ``mxfp4`` for gpt-oss)."""
    source: Text
    note: str | None = None


@dataclass(**_ROW)
class ApiModel(_Frozen):
    """A real model id of a hosted API (the only real names of a family without downloadable weights)."""

    __pydantic_config__ = _CONFIG

    id: Text
    family: Text
    """A ``families.toml`` name."""
    vendor: Text
    """A ``vendors.toml`` name."""
    aliases: tuple[str, ...] = ()
    """Other ids that point to this model (``gpt-4o`` → a dated snapshot)."""
    other_ids: tuple[str, ...] = ()
    """The same model under another service's naming (Bedrock, Vertex AI)."""
    released: str | None = None
    context_length: Count | None = None
    """Input tokens."""
    deprecated: str | None = None
    """When the vendor shut it down or will (ISO date)."""
    source: Text
    note: str | None = None


@dataclass(**_ROW)
class Meaning(Row):
    """What a word or a shape means in one family's names (or one organization's) when that differs
    from what it means elsewhere: ``PT`` of ERNIE (PyTorch weights, not "pretrained"), the ``80k`` of
    MiniMax-M1 (a thinking budget, not a context).  Tried before the general rules, in table order.
    ``en`` and ``zh`` may hold ``{text}`` (as written in the name) and ``{value}``."""

    family: str | None = None
    """A ``families.toml`` name: the rule applies in this family's names."""
    organization: str | None = None
    """Or a namespace (lower-case): the rule applies in this organization's repos."""
    version: str | None = None
    """Only with this version of the family."""
    words: tuple[str, ...] = ()
    """The word, in lookup spelling (lower-case, ``-`` for ``_``)."""
    shape: Literal["CONTEXT", "NUM", "SIZE", "VERSION"] | None = None
    """Or a shape of the grammar (a number with ``k``, a bare number ...)."""
    after: str | None = None
    """Only right after this word (lookup spelling)."""
    last: bool = False
    """Only as the name's last word."""
    means: Literal["attribute", "version"]
    """``attribute``: a property of the model or of the call (``attributes`` in the result);
    ``version``: the model's version (``value``)."""
    attribute: (
        Literal[
            "thinking_budget",
            "image_resolution",
            "training_steps",
            "token_rate",
            "reasoning_effort",
            "weights_framework",
        ]
        | None
    ) = None
    value: str | None = None
    """The value to report; the text in the name when absent."""
    source: Text


TABLES: dict[str, tuple[str, type[Any]]] = {
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
    "functions.toml": ("function", Function),
    "categories.toml": ("category", Category),
    "kinds.toml": ("kind", NameKind),
    "architectures.toml": ("architecture", Architecture),
    "checkpoints.toml": ("checkpoint", Checkpoint),
    "api_models.toml": ("model", ApiModel),
    "meanings.toml": ("meaning", Meaning),
}
