"""Check a downloaded model file against its own name, without loading the weights.

>>> info = modelname.inspect("Qwen2.5-7B-Instruct-Q4_K_M.gguf")
>>> info.parameters, info.file_type, info.architecture
(7615616512, 'Q4_K_M', 'qwen2')
>>> info.mismatches          # () when the name tells the truth
()

- **GGUF**: the header only (``_gguf_header``: metadata and tensor infos, every count checked
  against the file size first): architecture, ``general.name``, ``general.size_label``, file type,
  context length, layer and head counts, parameters counted from the tensor shapes, the mix of
  tensor types, and the exact KV cache per token.  A split file (``-00001-of-00003``) is read
  with the other parts found beside it.
- **safetensors**: the JSON header only (dtype mix, parameter count); sharded sets through their
  ``*.safetensors.index.json``; ``config.json`` beside the weights gives the attention shape.
- **PyTorch pickle** (``.bin``, ``.pt``, ``.pth``, ``.ckpt``): never unpickled — loading one can run
  code.  A ZIP checkpoint's table of contents is listed to count the tensor storage bytes.

The file's name is read with :func:`modelname.parse` and compared with what the file says:
quantization vs file type, size label vs counted parameters, family vs architecture, sidecar role
and shard numbering.  Each disagreement is a :class:`Mismatch`.  A file that cannot be read raises
:class:`InspectError` (a ``ValueError``) with one line saying why and, for corrupt files, the byte
offset.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from ._gguf_header import ArrayValue, GGUFError, Header, read_header

if TYPE_CHECKING:
    from .memory import KVShape, MemoryEstimate
    from .model import ModelName

__all__ = ["inspect", "Inspection", "InspectError", "Mismatch", "TensorTypeShare"]

_PICKLE_EXTENSIONS = (".bin", ".pt", ".pth", ".ckpt")
_LEGACY_GGML = {
    b"lmgg": "GGML",
    b"fmgg": "GGMF",
    b"tjgg": "GGJT",
}  # 'ggml', 'ggmf', 'ggjt' as little-endian u32
_ST_MAX_HEADER = 100_000_000  # the safetensors library's own limit
_INDEX_MAX = 64 * 2**20
_MAX_LAYERS = 1 << 16  # sanity bounds for header counts (real models: ~100 layers, ~128 heads)
_MAX_HEADS = 1 << 16
_SIZE_TOLERANCE = 1.5  # size labels are rounded: 2.6B is sold as "2B" (gemma-2-2b), 1.24B as "1B"

# GGUF general.architecture (or config.json model_type) prefixes per family, from llama.cpp
# gguf-py constants.py MODEL_ARCH_NAMES (see reference/gguf_arch_to_vendor.tsv).  Families missing
# here are not checked; "llama" is shared by many families, so it only checks Llama-like names.
_FAMILY_ARCHES = {
    "Llama": ("llama",),
    "Qwen": ("qwen",),
    "Gemma": ("gemma",),
    "Phi": ("phi",),
    "Mistral": ("llama", "mistral"),
    "Mixtral": ("llama", "mixtral"),
    "DeepSeek": ("deepseek",),
    "gpt-oss": ("gpt-oss", "gpt_oss"),
}
_SWA_PATTERN = {"gemma2": 2, "gemma3": 6, "cohere2": 4}  # llama.cpp set_swa_pattern(n) per architecture

# safetensors dtypes → bits per element
_ST_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "I64": 64,
    "U64": 64,
    "F64": 64,
    "C64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}
_PLAIN_DTYPES = {"F32": {"F32"}, "F16": {"F16"}, "BF16": {"BF16"}, "FP8": {"F8_E4M3", "F8_E5M2"}}


class InspectError(ValueError):
    """The file could not be read; the message is one line, with the byte offset for corrupt files."""

    def __init__(self, path: str | Path, message: str, offset: int | None = None) -> None:
        self.path = str(path)
        self.reason = message
        self.offset = offset
        super().__init__(message)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Mismatch(_Frozen):
    """One thing the file's name says that the file itself contradicts."""

    field: Literal["quantization", "parameters", "family", "role", "shard"]
    name_says: str
    file_says: str


class TensorTypeShare(_Frozen):
    """How much of the model is stored in one tensor type (GGUF) or dtype (safetensors)."""

    type: str
    tensors: int
    parameters: int
    bytes: int


class Inspection(_Frozen):
    """What a model file really contains, and where its name disagrees."""

    path: str
    name: str
    """The name compared with the contents (the file name, or the folder's for ``model.safetensors``)."""
    format: Literal["gguf", "safetensors", "pytorch", "ggml"]
    format_version: int | None = None
    files: tuple[str, ...]
    """Every file read, in order (all shards of a split model)."""
    size_bytes: int
    """Total size of those files on disk."""
    architecture: str | None = None
    """GGUF ``general.architecture`` or config.json ``model_type``."""
    general_name: str | None = None
    size_label: str | None = None
    """GGUF ``general.size_label`` as written by the converter."""
    file_type: str | None = None
    """Quant scheme from GGUF ``general.file_type`` (``Q4_K_M``)."""
    file_type_id: int | None = None
    role: Literal["model", "mmproj", "lora", "imatrix"] | None = None
    context_length: int | None = None
    layers: int | None = None
    embedding_length: int | None = None
    attention_heads: int | None = None
    kv_heads: int | None = None
    key_length: int | None = None
    value_length: int | None = None
    sliding_window: int | None = None
    experts: int | None = None
    experts_used: int | None = None
    vocab_size: int | None = None
    parameters: int | None = None
    """Counted from the tensor shapes (exact)."""
    tensor_count: int | None = None
    tensor_types: tuple[TensorTypeShare, ...] = ()
    """Tensor types (GGUF) or dtypes (safetensors), most bytes first."""
    weight_bytes: int | None = None
    """Bytes of tensor data (exact)."""
    bits_per_weight: float | None = None
    """Tensor data bits ÷ parameters."""
    kv_cache_bytes_per_token: int | None = None
    """Exact f16 KV cache per token of context, over all layers."""
    kv_cache_why: str | None = None
    kv_cache_window_bytes_per_token: int = 0
    """Part of the per-token figure held by sliding-window layers, which keep only the last ``sliding_window`` tokens."""
    shard_index: int | None = None
    shard_total: int | None = None
    metadata: dict[str, str | int | float | bool] = {}
    """Short scalar metadata (GGUF keys other than tokenizer ones; safetensors ``__metadata__``)."""
    mismatches: tuple[Mismatch, ...] = ()
    notes: tuple[str, ...] = ()

    def estimate_memory(self, context_length: int | None = None) -> MemoryEstimate:
        """Memory to run this file: exact weight bytes, exact KV cache when the header gives the shape."""
        from .memory import Figure, _context, _kv_figure, combine

        notes: list[str] = []
        if self.weight_bytes is None:
            weights = Figure(bytes=None, exact=False, why="the file's tensor sizes could not be read")
        else:
            where = f"{len(self.files)} files" if len(self.files) > 1 else "the file"
            weights = Figure(
                bytes=self.weight_bytes, exact=True, why=f"tensor data in {where}, from its header"
            )
        shape = self._kv_shape()
        tokens = None
        if self.role in ("mmproj", "lora", "imatrix"):
            kv = Figure(bytes=0, exact=True, why=f"a {self.role} file has no KV cache of its own")
        elif shape is not None:
            tokens = _context(context_length, self.context_length, notes)
            kv = _kv_figure(shape, tokens, exact=True, whose=f"{self.format.upper()} header")
        else:
            _context(context_length, None, notes)
            kv = Figure(
                bytes=None,
                exact=False,
                why=f"not included: {self.kv_cache_why or 'the attention shape is unknown'}",
            )
        return combine(
            self.name,
            weights,
            kv,
            parameters=self.parameters,
            bits_per_weight=self.bits_per_weight,
            architecture=self.architecture,
            context_length=tokens,
            kv_bytes_per_token=self.kv_cache_bytes_per_token,
            notes=notes,
        )

    def _kv_shape(self) -> KVShape | None:
        from .memory import KVShape

        if self.kv_cache_bytes_per_token is None:
            return None
        window = self.kv_cache_window_bytes_per_token if self.sliding_window else 0
        return KVShape(
            full_bytes_per_token=self.kv_cache_bytes_per_token - window,
            window_bytes_per_token=window,
            window=self.sliding_window if window else None,
            description=self.kv_cache_why or "",
        )


# --------------------------------------------------------------------------- entry point


def inspect(path: str | Path) -> Inspection:
    """Read a model file's header (GGUF, safetensors, or a PyTorch checkpoint's table of contents)."""
    p = Path(path)
    if not p.exists():
        raise InspectError(p, "no such file")
    if p.is_dir():
        p = _model_in_directory(p)
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(16)
    except OSError as err:
        raise InspectError(p, f"cannot open: {err.strerror or err}") from None
    lower = p.name.lower()
    if head[:4] == b"GGUF" or lower.endswith(".gguf"):
        return _inspect_gguf(p)
    if lower.endswith((".safetensors", ".safetensors.index.json")):
        return _inspect_safetensors(p)
    if head[:4] in _LEGACY_GGML:
        return _inspect_legacy_ggml(p, head[:4], size)
    if head[:4] == b"PK\x03\x04" or (
        head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")
    ):
        return _inspect_pickle(p, head, size)
    if len(head) >= 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] < size:
        return _inspect_safetensors(p)
    if lower.endswith(_PICKLE_EXTENSIONS):
        raise InspectError(
            p, f"not a PyTorch checkpoint, GGUF or safetensors file: it starts with {head[:8]!r}", 0
        )
    raise InspectError(
        p, f"not a model file this tool reads (GGUF, safetensors, PyTorch): it starts with {head[:8]!r}", 0
    )


def _model_in_directory(d: Path) -> Path:
    index = sorted(d.glob("*.safetensors.index.json"))
    if index:
        return index[0]
    for pattern in ("*.safetensors", "*.gguf"):
        found = sorted(d.glob(pattern))
        if len(found) == 1:
            return found[0]
        if found:
            raise InspectError(d, f"the folder holds {len(found)} {pattern} files; name one of them")
    raise InspectError(d, "the folder holds no .gguf or .safetensors file")


# --------------------------------------------------------------------------- GGUF


def _block_sizes() -> dict[int, tuple[int, int]]:
    from .tables import load

    return {row.id: (row.block_size, row.type_size) for row in load("ggml_types.toml")}


def _type_names() -> dict[int, str]:
    from .tables import load

    return {row.id: row.name for row in load("ggml_types.toml")}


def _read_gguf(p: Path) -> Header:
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            return read_header(f, size, block_sizes=_block_sizes())
    except GGUFError as err:
        raise InspectError(p, str(err), err.offset) from None
    except OSError as err:
        raise InspectError(p, f"cannot read: {err.strerror or err}") from None


_SPLIT = re.compile(r"^(.*)-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)


def _inspect_gguf(p: Path) -> Inspection:
    header = _read_gguf(p)
    notes: list[str] = []
    meta = header.metadata
    split_count = meta.get("split.count")
    headers: list[tuple[Path, Header]] = [(p, header)]
    if isinstance(split_count, int) and split_count > 1:
        headers, missing = _split_parts(p, header, split_count)
        if missing:
            notes.append(
                f"part {meta.get('split.no', 0) + 1} of {split_count}; missing beside it: {', '.join(missing)} "
                "— parameters and sizes cover the parts present only"
            )
        first = next((h for _, h in headers if h.metadata.get("split.no", 0) == 0), header)
        meta = {**first.metadata, **{k: v for k, v in header.metadata.items() if k.startswith("split.")}}
    names = _type_names()
    blocks = _block_sizes()
    shares: dict[str, list[int]] = {}
    parameters = 0
    weight_bytes = 0
    matrix_params: dict[str, int] = {}
    for _, h in headers:
        for t in h.tensors:
            elements = 1
            for d in t.shape:
                elements *= d
            block, type_size = blocks[t.type_id]
            nbytes = elements // block * type_size
            name = names.get(t.type_id, str(t.type_id))
            share = shares.setdefault(name, [0, 0, 0])
            share[0] += 1
            share[1] += elements
            share[2] += nbytes
            parameters += elements
            weight_bytes += nbytes
            if len([d for d in t.shape if d > 1]) >= 2:
                matrix_params[name] = matrix_params.get(name, 0) + elements
    arch = meta.get("general.architecture") if isinstance(meta.get("general.architecture"), str) else None
    file_type_id = meta.get("general.file_type")
    file_type = None
    if isinstance(file_type_id, int):
        from .tables import vocabulary

        if file_type_id & 1024:
            notes.append("general.file_type has llama.cpp's 'guessed' flag (1024)")
            file_type_id &= ~1024
        row = vocabulary().file_type_by_id.get(file_type_id)
        file_type = row.scheme if row else f"unknown file type {file_type_id}"
    else:
        file_type_id = None
    main_type = max(matrix_params, key=matrix_params.__getitem__) if matrix_params else None
    if file_type is None and main_type:
        notes.append(f"no general.file_type in the header; most weights are {main_type}")
    role = _gguf_role(arch, meta)

    def key(suffix: str) -> Any:
        return meta.get(f"{arch}.{suffix}") if arch else None

    layers = _as_int(key("block_count"))
    if layers is not None and not 0 < layers <= _MAX_LAYERS:
        notes.append(f"{arch}.block_count = {layers:,} is implausible; the KV cache is not computed")
        layers = None
    heads = _per_layer(key("attention.head_count"), layers)
    kv_heads = _per_layer(key("attention.head_count_kv"), layers) or heads
    embd = _as_int(key("embedding_length"))
    key_len = _as_int(key("attention.key_length"))
    value_len = _as_int(key("attention.value_length"))
    if key_len is None and embd and heads and heads[0]:
        key_len = embd // heads[0]
    if value_len is None:
        value_len = key_len
    window = _as_int(key("attention.sliding_window"))
    per_token, why, window_bytes = _gguf_kv(arch, meta, layers, kv_heads, key_len, value_len, window)
    if window_bytes:
        notes.append(
            f"{arch} keeps only the last {window:,} tokens in its sliding-window layers "
            f"({window_bytes:,} of the {per_token:,} bytes per token)"
        )
    vocab = meta.get("tokenizer.ggml.tokens")
    vocab_size = vocab.count if isinstance(vocab, ArrayValue) else _as_int(key("vocab_size"))
    split_no = meta.get("split.no")
    shard_index = split_no + 1 if isinstance(split_no, int) and isinstance(split_count, int) else None
    info = dict(
        path=str(p),
        format="gguf",
        format_version=header.version,
        files=tuple(str(path) for path, _ in headers),
        size_bytes=sum(h.file_size for _, h in headers),
        architecture=arch,
        general_name=_as_str(meta.get("general.name")),
        size_label=_as_str(meta.get("general.size_label")),
        file_type=file_type,
        file_type_id=file_type_id,
        role=role,
        context_length=_as_int(key("context_length")),
        layers=layers,
        embedding_length=embd,
        attention_heads=heads[0] if heads else None,
        kv_heads=max(kv_heads) if kv_heads else None,
        key_length=key_len,
        value_length=value_len,
        sliding_window=window,
        experts=_as_int(key("expert_count")),
        experts_used=_as_int(key("expert_used_count")),
        vocab_size=vocab_size,
        parameters=parameters,
        tensor_count=sum(len(h.tensors) for _, h in headers),
        tensor_types=_shares(shares),
        weight_bytes=weight_bytes,
        bits_per_weight=round(weight_bytes * 8 / parameters, 4) if parameters else None,
        kv_cache_bytes_per_token=per_token,
        kv_cache_why=why,
        kv_cache_window_bytes_per_token=window_bytes,
        shard_index=shard_index if isinstance(split_count, int) and split_count > 1 else None,
        shard_total=split_count if isinstance(split_count, int) and split_count > 1 else None,
        metadata=_small_metadata(meta),
    )
    if header.byteorder == "big":
        notes.append("big-endian GGUF file")
    complete = not any(n.startswith("part ") for n in notes)
    return _finish(p, p.name, info, notes, main_type=main_type, complete=complete)


def _split_parts(p: Path, header: Header, count: int) -> tuple[list[tuple[Path, Header]], list[str]]:
    match = _SPLIT.match(p.name)
    if not match:
        return [(p, header)], [f"the other {count - 1} parts (the file name has no -0000N-of-0000M)"]
    stem = match.group(1)
    parts: list[tuple[Path, Header]] = []
    missing: list[str] = []
    for i in range(1, count + 1):
        part = p.with_name(f"{stem}-{i:05d}-of-{count:05d}.gguf")
        if part.name == p.name:
            parts.append((p, header))
        elif part.exists():
            parts.append((part, _read_gguf(part)))
        else:
            missing.append(part.name)
    return parts, missing


def _gguf_role(arch: str | None, meta: dict[str, Any]) -> Literal["model", "mmproj", "lora", "imatrix"]:
    if arch == "clip" or any(k.startswith("clip.") for k in meta):
        return "mmproj"
    kind = meta.get("general.type")
    if kind == "adapter" or any(k.startswith("adapter.") for k in meta):
        return "lora"
    if kind == "imatrix" or any(k.startswith("imatrix.") for k in meta):
        return "imatrix"
    return "model"


def _gguf_kv(
    arch: str | None,
    meta: dict[str, Any],
    layers: int | None,
    kv_heads: list[int] | None,
    key_len: int | None,
    value_len: int | None,
    window: int | None,
) -> tuple[int | None, str, int]:
    """Exact f16 KV bytes per token over all layers, how, and the part held by sliding-window layers."""
    if arch is None:
        return None, "the header has no general.architecture", 0
    if arch == "clip":
        return None, "a vision/audio projector has no KV cache", 0
    if f"{arch}.attention.kv_lora_rank" in meta:
        return (
            None,
            f"{arch} uses multi-head latent attention, whose compressed cache this tool does not compute",
            0,
        )
    if not layers or not kv_heads or not key_len or not value_len:
        return None, f"the header lacks {arch}.block_count, head counts or embedding length", 0
    recurrent = any(k.startswith((f"{arch}.ssm.", f"{arch}.wkv.")) for k in meta)
    pattern = meta.get(f"{arch}.attention.sliding_window_pattern")
    swa: list[bool]
    if isinstance(pattern, ArrayValue) and pattern.items is not None and len(pattern.items) == layers:
        swa = [bool(x) for x in pattern.items]
    elif window and arch in _SWA_PATTERN:
        n = _SWA_PATTERN[arch]
        swa = [i % n < n - 1 for i in range(layers)]
    else:
        swa = [False] * layers
    per_layer = [h * (key_len + value_len) * 2 for h in kv_heads]
    total = sum(per_layer)
    window_bytes = sum(b for b, s in zip(per_layer, swa) if s) if window else 0
    if total == 0:
        return None, f"{arch} keeps a fixed recurrent state instead of a KV cache", 0
    heads_text = f"{kv_heads[0]} KV heads" if len(set(kv_heads)) == 1 else "per-layer KV heads"
    why = f"{layers} layers × {heads_text} × ({key_len} + {value_len}) dims × 2 bytes"
    if recurrent:
        why += "; its recurrent layers add a fixed state not counted here"
    return total, why, window_bytes


def _per_layer(value: Any, layers: int | None) -> list[int] | None:
    """A head count for each layer (GGUF stores one number, or one per layer)."""
    if not layers:
        return None
    if isinstance(value, ArrayValue):
        if value.items is None or len(value.items) != layers:
            return None
        items = [x for x in value.items if isinstance(x, int) and 0 <= x <= _MAX_HEADS]
        return items if len(items) == layers else None
    number = _as_int(value)
    if number is None or not 0 <= number <= _MAX_HEADS:
        return None
    return [number] * layers


def _as_int(value: Any) -> int | None:
    """A count from the header: a non-negative integer, else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _small_metadata(meta: dict[str, Any]) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {}
    for k, v in meta.items():
        if k.startswith("tokenizer.") or isinstance(v, ArrayValue) or v is None:
            continue
        if isinstance(v, str) and len(v) > 200:
            continue
        out[k] = v
    return out


def _shares(shares: dict[str, list[int]]) -> tuple[TensorTypeShare, ...]:
    rows = [TensorTypeShare(type=t, tensors=a, parameters=b, bytes=c) for t, (a, b, c) in shares.items()]
    return tuple(sorted(rows, key=lambda r: (-r.bytes, r.type)))


# --------------------------------------------------------------------------- safetensors


def _read_json(p: Path, data: bytes, base: int) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise InspectError(p, "the JSON header is not valid UTF-8", base + err.start) from None
    except json.JSONDecodeError as err:
        raise InspectError(p, f"the JSON header is not valid JSON: {err.msg}", base + err.pos) from None


def _st_header(p: Path) -> tuple[dict[str, Any], int, int]:
    """(tensor entries, bytes of data, file size) of one safetensors file, every entry checked."""
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            if size < 8:
                raise InspectError(
                    p, f"too short for safetensors: {size} bytes, the 8-byte header length is missing", 0
                )
            n = struct.unpack("<Q", f.read(8))[0]
            if n > size - 8:
                raise InspectError(
                    p,
                    f"header length {n:,} runs past the end of the file ({size:,} bytes): not safetensors, or truncated",
                    0,
                )
            if n > _ST_MAX_HEADER:
                raise InspectError(
                    p, f"header length {n:,} is over safetensors' limit of {_ST_MAX_HEADER:,} bytes", 0
                )
            raw = f.read(n)
    except OSError as err:
        raise InspectError(p, f"cannot read: {err.strerror or err}") from None
    if raw[:1] != b"{":
        raise InspectError(
            p, f"not a safetensors file: the header does not start with '{{' but {raw[:8]!r}", 8
        )
    header = _read_json(p, raw, 8)
    if not isinstance(header, dict):
        raise InspectError(p, "the JSON header is not an object", 8)
    data_size = size - 8 - n
    tensors: dict[str, Any] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict):
            raise InspectError(p, f"tensor {name!r}: its header entry is not an object", 8)
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if dtype not in _ST_BITS:
            raise InspectError(p, f"tensor {name!r} has unknown dtype {dtype!r}", 8)
        if not isinstance(shape, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
        ):
            raise InspectError(p, f"tensor {name!r} has an invalid shape {shape!r}", 8)
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]
        ):
            raise InspectError(p, f"tensor {name!r} has invalid data_offsets {offsets!r}", 8)
        elements = 1
        for d in shape:
            elements *= d
        need = -(-elements * _ST_BITS[dtype] // 8)
        if offsets[1] - offsets[0] != need:
            raise InspectError(
                p,
                f"tensor {name!r}: data_offsets {offsets} hold {offsets[1] - offsets[0]:,} bytes, "
                f"but shape {shape} of {dtype} needs {need:,}",
                8,
            )
        if offsets[1] > data_size:
            raise InspectError(
                p,
                f"the file is truncated: tensor {name!r} needs bytes up to {8 + n + offsets[1]:,}, "
                f"but the file ends at {size:,}",
                size,
            )
        tensors[name] = (dtype, elements, offsets[1] - offsets[0])
    meta = header.get("__metadata__")
    if isinstance(meta, dict):
        tensors["__metadata__"] = {k: v for k, v in meta.items() if isinstance(v, str) and len(v) <= 200}
    return tensors, data_size, size


def _st_files(p: Path) -> tuple[Path | None, list[Path], dict[str, Any]]:
    """(index file or None, shard files in order, index metadata)."""
    index: Path | None = None
    if p.name.lower().endswith(".index.json"):
        index = p
    else:
        for candidate in sorted(p.parent.glob("*.safetensors.index.json")):
            try:
                text = candidate.read_text(encoding="utf-8") if candidate.stat().st_size <= _INDEX_MAX else ""
            except OSError:
                continue
            if f'"{p.name}"' in text:
                index = candidate
                break
    if index is None:
        return None, [p], {}
    if index.stat().st_size > _INDEX_MAX:
        raise InspectError(index, f"the index is over {_INDEX_MAX // 2**20} MiB; not a safetensors index", 0)
    data = _read_json(index, index.read_bytes(), 0)
    weight_map = data.get("weight_map") if isinstance(data, dict) else None
    if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
        raise InspectError(index, "not a safetensors index: no weight_map of tensor → file", 0)
    names: list[str] = []
    for shard in weight_map.values():
        if "/" in shard or "\\" in shard or shard in ("", ".", ".."):
            raise InspectError(index, f"the index names a shard outside its folder: {shard!r}", 0)
        if shard not in names:
            names.append(shard)
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return index, [index.with_name(n) for n in sorted(names)], {"weight_map": weight_map, **meta}


def _inspect_safetensors(p: Path) -> Inspection:
    index, files, index_meta = _st_files(p)
    notes: list[str] = []
    present = [f for f in files if f.exists()]
    missing = [f.name for f in files if not f.exists()]
    if not present:
        raise InspectError(p, f"none of the {len(files)} shards named in the index is here")
    if missing:
        notes.append(
            f"{len(present)} of {len(files)} shards present; missing: {', '.join(missing)} — counts cover the present ones"
        )
    shares: dict[str, list[int]] = {}
    tensor_names: set[str] = set()
    parameters = data_bytes = disk = 0
    st_meta: dict[str, Any] = {}
    for f in present:
        tensors, _, size = _st_header(f)
        disk += size
        for name, value in tensors.items():
            if name == "__metadata__":
                st_meta.update(value)
                continue
            dtype, elements, nbytes = value
            tensor_names.add(name)
            share = shares.setdefault(dtype, [0, 0, 0])
            share[0] += 1
            share[1] += elements
            share[2] += nbytes
            parameters += elements
            data_bytes += nbytes
    if index is not None:
        total_size = index_meta.get("total_size")
        if not missing and isinstance(total_size, (int, float)) and int(total_size) != data_bytes:
            notes.append(
                f"the index says total_size {int(total_size):,} but the shards hold {data_bytes:,} bytes of tensors"
            )
        absent = [t for t in index_meta.get("weight_map", {}) if t not in tensor_names]
        if absent and not missing:
            notes.append(f"{len(absent)} tensors named in the index are in no shard (first: {absent[0]!r})")
    packed = any(n.endswith((".qweight", ".scales", ".weight_scale", ".absmax")) for n in tensor_names)
    if packed:
        notes.append("quantized tensors are packed: the counts are of stored elements, not of weights")
    config = _read_config(p.parent if p.is_file() else p, notes)
    name = _name_for(p)
    info: dict[str, Any] = dict(
        path=str(p),
        format="safetensors",
        files=tuple(str(f) for f in ([index] if index else []) + present),
        size_bytes=disk + (index.stat().st_size if index else 0),
        parameters=parameters,
        tensor_count=len(tensor_names),
        tensor_types=_shares(shares),
        weight_bytes=data_bytes,
        bits_per_weight=round(data_bytes * 8 / parameters, 4) if parameters else None,
        role="model",
        metadata=st_meta,
        **config,
    )
    main = max(shares, key=lambda t: shares[t][1]) if shares else None
    return _finish(p, name, info, notes, main_type=main, complete=not missing, packed=packed)


def _read_config(folder: Path, notes: list[str]) -> dict[str, Any]:
    """Architecture and attention shape from a config.json beside safetensors weights."""
    path = folder / "config.json"
    try:
        if not path.is_file() or path.stat().st_size > 4 * 2**20:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        notes.append("config.json beside the weights could not be read")
        return {}
    if not isinstance(data, dict):
        return {}
    text = data.get("text_config") if isinstance(data.get("text_config"), dict) else data
    layers = _as_int(text.get("num_hidden_layers"))
    heads = _as_int(text.get("num_attention_heads"))
    kv = _as_int(text.get("num_key_value_heads")) or heads
    hidden = _as_int(text.get("hidden_size"))
    head_dim = _as_int(text.get("head_dim")) or (hidden // heads if hidden and heads else None)
    out: dict[str, Any] = {
        "architecture": _as_str(text.get("model_type")) or _as_str(data.get("model_type")),
        "context_length": _as_int(text.get("max_position_embeddings")),
        "layers": layers,
        "embedding_length": hidden,
        "attention_heads": heads,
        "kv_heads": kv,
        "key_length": head_dim,
        "value_length": head_dim,
        "vocab_size": _as_int(text.get("vocab_size")),
        "experts": _as_int(text.get("num_local_experts")) or _as_int(text.get("num_experts")),
        "experts_used": _as_int(text.get("num_experts_per_tok")),
    }
    if layers and kv and head_dim:
        out["kv_cache_bytes_per_token"] = layers * kv * head_dim * 2 * 2
        out["kv_cache_why"] = (
            f"{layers} layers × {kv} KV heads × ({head_dim} + {head_dim}) dims × 2 bytes (config.json)"
        )
    else:
        out["kv_cache_why"] = "config.json lacks the layer or head counts"
    return out


_GENERIC = re.compile(
    r"^(model|pytorch_model|adapter_model|diffusion_pytorch_model|consolidated)([-.].*)?$", re.IGNORECASE
)


def _name_for(p: Path) -> str:
    """The name to compare: the file's own, or its folder's for ``model-00001-of-00004.safetensors``."""
    if not _GENERIC.match(p.name):
        return p.name
    folder = p.parent.resolve()
    if folder.parent.name == "snapshots" and folder.parent.parent.name.startswith("models--"):
        return folder.parent.parent.name[len("models--") :].replace(
            "--", "/"
        )  # the Hugging Face cache layout
    return folder.name or p.name


# --------------------------------------------------------------------------- PyTorch and legacy GGML


def _inspect_pickle(p: Path, head: bytes, size: int) -> Inspection:
    notes = [
        (
            "a PyTorch pickle checkpoint: it was not unpickled, because loading it (torch.load without "
            "weights_only=True) can run any code the file contains; prefer a .safetensors copy"
        )
    ]
    storages = None
    if head[:4] == b"PK\x03\x04":
        import zipfile

        try:
            with zipfile.ZipFile(p) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise InspectError(p, f"a damaged ZIP archive (PyTorch checkpoint?): {err}", None) from None
        pickles = [e.filename for e in entries if e.filename.endswith(".pkl")]
        data = [e for e in entries if re.search(r"(^|/)data/\d+$", e.filename)]
        if not pickles:
            raise InspectError(p, "a ZIP archive without a data.pkl: not a PyTorch checkpoint", 0)
        storages = sum(e.file_size for e in data)
        notes.append(f"ZIP checkpoint (torch.save ≥ 1.6): {len(data):,} tensor storages, {storages:,} bytes")
    else:
        notes.append(f"a raw pickle stream (protocol {head[1]}): the legacy torch.save format")
    info: dict[str, Any] = dict(
        path=str(p), format="pytorch", files=(str(p),), size_bytes=size, weight_bytes=storages, role="model"
    )
    return _finish(p, _name_for(p), info, notes, main_type=None, complete=False)


def _inspect_legacy_ggml(p: Path, magic: bytes, size: int) -> Inspection:
    kind = _LEGACY_GGML[magic]
    notes = [
        f"a legacy {kind} file (llama.cpp's format before GGUF, August 2023): current llama.cpp, Ollama and "
        "LM Studio cannot load it; convert it or download a GGUF"
    ]
    info: dict[str, Any] = dict(path=str(p), format="ggml", files=(str(p),), size_bytes=size, role="model")
    return _finish(p, p.name, info, notes, main_type=None, complete=False)


# --------------------------------------------------------------------------- the name against the file


def _finish(
    p: Path,
    name: str,
    info: dict[str, Any],
    notes: list[str],
    *,
    main_type: str | None,
    complete: bool,
    packed: bool = False,
) -> Inspection:
    from ._parse import parse
    from .errors import InvalidModelName

    try:
        m = parse(name)
    except InvalidModelName as err:
        m = None
        notes.append(f"the name could not be read, so nothing was compared: {err.reason}")
    mismatches = _compare(m, info, main_type=main_type, complete=complete, packed=packed) if m else []
    return Inspection(name=name, mismatches=tuple(mismatches), notes=tuple(notes), **info)


def _compare(
    m: ModelName, info: dict[str, Any], *, main_type: str | None, complete: bool, packed: bool
) -> list[Mismatch]:
    out: list[Mismatch] = []
    fmt = info["format"]
    q = m.quantization
    if q is not None and fmt == "gguf":
        says = _gguf_quant_disagrees(q.scheme, info.get("file_type"), info.get("file_type_id"), main_type)
        if says:
            out.append(Mismatch(field="quantization", name_says=q.scheme, file_says=says))
    elif q is not None and fmt == "safetensors" and main_type:
        says = _st_quant_disagrees(q, main_type, info, packed)
        if says:
            out.append(Mismatch(field="quantization", name_says=q.scheme, file_says=says))
    role = info.get("role")
    name_role = m.role or "model"
    counted = info.get("parameters")
    p = m.parameters
    if p and p.total and counted and complete and not packed and name_role == "model" and role == "model":
        ratio = counted / p.total
        if not 1 / _SIZE_TOLERANCE <= ratio <= _SIZE_TOLERANCE:
            out.append(
                Mismatch(field="parameters", name_says=p.label, file_says=f"{counted:,} ({_label(counted)})")
            )
    arch = info.get("architecture")
    family = m.distill.base if m.distill and m.distill.base else m.family
    known = arch and family in _FAMILY_ARCHES and role in ("model", None) and arch != "clip"
    if known and not arch.lower().startswith(_FAMILY_ARCHES[family]):
        where = "general.architecture" if fmt == "gguf" else "config.json model_type"
        out.append(Mismatch(field="family", name_says=family, file_says=f"{arch} ({where})"))
    if fmt == "gguf" and role and name_role != role:
        what = {
            "mmproj": "a multimodal projector",
            "lora": "a LoRA adapter",
            "imatrix": "an importance matrix",
        }
        out.append(
            Mismatch(
                field="role", name_says=what.get(name_role, "a model"), file_says=what.get(role, "a model")
            )
        )
    if fmt == "gguf":
        total = info.get("shard_total")
        if m.shard and (m.shard.index, m.shard.total) != (info.get("shard_index"), total):
            file_says = f"part {info['shard_index']} of {total}" if total else "a single, unsplit file"
            out.append(
                Mismatch(
                    field="shard", name_says=f"part {m.shard.index} of {m.shard.total}", file_says=file_says
                )
            )
        elif m.shard is None and total:
            out.append(
                Mismatch(
                    field="shard",
                    name_says="a single file",
                    file_says=f"part {info['shard_index']} of {total}",
                )
            )
    return out


def _gguf_quant_disagrees(
    scheme: str, file_type: str | None, file_type_id: int | None, main_type: str | None
) -> str | None:
    from .tables import key, vocabulary

    v = vocabulary()
    name_row = v.file_types.get(key(scheme))
    if name_row is None:
        return None
    if file_type is not None:
        file_row = v.file_types.get(key(file_type))
        if file_row is None:
            return None
        if file_row is name_row:
            return None
        if name_row.ftype is None and name_row.tensor_type == file_row.tensor_type:
            return None  # Q6_K_L, UD-Q4_K_XL: a third-party mix on top of the llama.cpp file type
        return f"{file_type} (general.file_type {file_type_id})"
    if main_type and main_type != name_row.tensor_type:
        return f"mostly {main_type} tensors (no general.file_type)"
    return None


def _st_quant_disagrees(q: Any, main_type: str, info: dict[str, Any], packed: bool) -> str | None:
    key = q.scheme.upper()
    shares = {s.type: s.parameters for s in info["tensor_types"]}
    total = sum(shares.values()) or 1
    if key in _PLAIN_DTYPES:
        if main_type in _PLAIN_DTYPES[key]:
            return None
        return f"mostly {main_type} ({round(shares[main_type] * 100 / total)}% of elements)"
    if q.method in ("gptq", "awq") and not packed:
        return f"plain {main_type} tensors, no packed {q.method.upper()} weights"
    return None


def _label(n: int) -> str:
    for size, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if n >= size:
            value = n / size
            return f"{value:.3g}{unit}" if value < 100 else f"{value:.0f}{unit}"
    return str(n)
