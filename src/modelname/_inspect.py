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

Hostile files: nothing in a file is run, and nothing read from a file drives a loop or an
allocation before it is bounded — counts by the file's size and by fixed ceilings (``_gguf_header``;
``_JSON_*`` below for the JSON of safetensors headers, indexes and config.json), the parts of a
split model by the file *name's* count (never by the count the file claims), and only regular
files are opened (a FIFO or ``/dev/zero`` cannot make the reader wait forever).  Whatever the
bytes, the answer is an :class:`Inspection` or one :class:`InspectError`.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import struct
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, NamedTuple

from ._gguf_header import ArrayValue, GGUFError, Header, read_header
from .parts import Result

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
# The safetensors format allows 100 MB; huggingface_hub reads at most 25,000,000 bytes
# (SAFETENSORS_MAX_HEADER_LENGTH), which also keeps the parsed JSON of a hostile header small.
_ST_MAX_HEADER = 25_000_000
_INDEX_MAX = 32 * 2**20  # a 140,000-tensor index (Kimi K2) is ~15 MB
_CONFIG_MAX = 4 * 2**20
_MAX_SHARDS = 10_000  # shard files one index may name (the largest real sets: ~200)
_MAX_LAYERS = 1 << 16  # sanity bounds for header counts (real models: ~100 layers, ~128 heads)
_MAX_HEADS = 1 << 16
_MAX_HEAD_DIM = 1 << 16  # key/value length per head (real: 64 to 576)
_MAX_ELEMENTS = 1 << 64  # elements in one tensor
_MAX_METADATA = 256  # metadata entries kept in an Inspection (real GGUF files: ~50)
_MAX_TEXT = 256  # characters kept of a string from a file shown as a field
_ZIP_MAX_DIRECTORY = 4 * 2**20  # a PyTorch ZIP's central directory (~100 bytes per storage)
# JSON (safetensors headers, indexes, config.json) is parsed by the json module only after these
# checks, which bound what it can allocate: arrays and objects (counted as brackets), items
# (counted as commas), digits of one number; nesting deeper than Python can parse is reported.
# 524,288 items: a 140,000-tensor index (Kimi K2) or an 80,000-tensor header fits; parsing that
# many takes ~0.5 s and ~100 MB.
_JSON_MAX_CONTAINERS = 1 << 19
_JSON_MAX_ITEMS = 1 << 19
_JSON_MAX_DIGITS = 40
_JSON_MAX_DEPTH = 100
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
        where = "" if offset is None else f" (at byte offset {offset:,})"
        super().__init__(message + where)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record: ``{"error", "path", "reason", "offset", "message"}``."""
        return {
            "error": "InspectError",
            "path": self.path,
            "reason": self.reason,
            "offset": self.offset,
            "message": str(self),
        }


class _Frozen(Result):
    pass


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
    """Short scalar metadata (GGUF keys other than tokenizer ones; safetensors ``__metadata__``): at most
    256 entries, strings of at most 200 characters with control characters escaped, NaN as ``"nan"``."""
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
    st = _stat(p)
    if isinstance(st, str):
        raise InspectError(p, st)
    if stat.S_ISDIR(st.st_mode):
        p = _model_in_directory(p)
    f, size = _open(p)
    with f:
        try:
            head = f.read(16)
        except OSError as err:
            raise InspectError(p, f"cannot read: {_why(err)}") from None
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


def _why(err: OSError) -> str:
    return err.strerror or str(err)


def _stat(p: Path) -> os.stat_result | str:
    """The path's status, or why it cannot be used.

    Never raises: a missing file, a symlink loop, a name too long or a NUL byte in a name become
    the reason.
    """
    try:
        return p.stat()
    except FileNotFoundError:
        return "no such file"
    except OSError as err:
        return f"cannot open: {_why(err)}"
    except ValueError as err:  # an embedded NUL byte
        return f"not a usable path: {err}"


def _is_file(p: Path) -> bool:
    st = _stat(p)
    return not isinstance(st, str) and stat.S_ISREG(st.st_mode)


def _open(p: Path) -> tuple[BinaryIO, int]:
    """Open a regular file for reading; (file, size).  Anything else is an :class:`InspectError`.

    The file is opened without blocking and checked with fstat before anything is read, so a FIFO
    (which would wait for a writer), a device such as /dev/zero (which never ends) or a directory
    is refused instead of hanging the reader.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise InspectError(p, "no such file") from None
    except OSError as err:
        raise InspectError(p, f"cannot open: {_why(err)}") from None
    except ValueError as err:
        raise InspectError(p, f"not a usable path: {err}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InspectError(p, f"not a regular file but {_kind(st.st_mode)}; only files are read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st.st_size
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def _read_small(p: Path, limit: int, what: str) -> bytes:
    """The whole of a small regular file (an index, a config.json): at most ``limit`` bytes."""
    f, size = _open(p)
    with f:
        if size > limit:
            raise InspectError(
                p, f"{what} is {size:,} bytes, over the {limit // 2**20} MiB this tool reads", 0
            )
        try:
            data = f.read(size + 1)  # one byte more tells a file that grew since fstat
        except OSError as err:
            raise InspectError(p, f"cannot read: {_why(err)}") from None
    if len(data) > limit:
        raise InspectError(p, f"{what} is over the {limit // 2**20} MiB this tool reads", limit)
    return data


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
    f, size = _open(p)
    with f:
        try:
            return read_header(f, size, block_sizes=_block_sizes())
        except GGUFError as err:
            raise InspectError(p, err.reason, err.offset) from None
        except OSError as err:
            raise InspectError(p, f"cannot read: {_why(err)}") from None


_SPLIT = re.compile(r"^(.*)-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)


def _inspect_gguf(p: Path) -> Inspection:
    header = _read_gguf(p)
    notes: list[str] = []
    split_count = _as_int(header.metadata.get("split.count"))
    split_no = _as_int(header.metadata.get("split.no"))
    split = split_count is not None and split_count > 1
    t = _gguf_tensors(p, header, split, split_no, split_count, notes)
    meta = t.meta
    arch = _text(meta.get("general.architecture"))
    file_type, file_type_id = _gguf_file_type(meta, notes)
    main_type = max(t.matrix_params, key=t.matrix_params.__getitem__) if t.matrix_params else None
    if file_type is None and main_type:
        notes.append(f"no general.file_type in the header; most weights are {main_type}")
    parameters = sum(share[1] for share in t.shares.values())
    weight_bytes = sum(share[2] for share in t.shares.values())
    info = dict(
        path=str(p),
        format="gguf",
        format_version=header.version,
        files=tuple(t.files),
        size_bytes=t.size_bytes,
        architecture=arch,
        general_name=_text(meta.get("general.name")),
        size_label=_text(meta.get("general.size_label")),
        file_type=file_type,
        file_type_id=file_type_id,
        role=_gguf_role(arch, meta),
        parameters=parameters,
        tensor_count=t.tensor_count,
        tensor_types=_shares(t.shares),
        weight_bytes=weight_bytes,
        bits_per_weight=round(weight_bytes * 8 / parameters, 4) if parameters else None,
        shard_index=split_no + 1 if split and split_no is not None else None,
        shard_total=split_count if split else None,
        metadata=_small_metadata(meta),
        **_gguf_shape(arch, meta, notes),
    )
    if header.byteorder == "big":
        notes.append("big-endian GGUF file")
    complete = not any(n.startswith("part ") for n in notes)
    return _finish(p, p.name, info, notes, main_type=main_type, complete=complete)


class _Tensors(NamedTuple):
    files: list[str]
    size_bytes: int
    tensor_count: int
    shares: dict[str, list[int]]
    """Tensor type → [tensors, elements, bytes]."""
    matrix_params: dict[str, int]
    meta: dict[str, Any]
    """The metadata to describe the model by (a split model's first part, with this part's split keys)."""


def _gguf_tensors(
    p: Path, header: Header, split: bool, split_no: int | None, split_count: int | None, notes: list[str]
) -> _Tensors:
    """The tensors of the file, or of every part of a split model found beside it."""
    names, blocks = _type_names(), _block_sizes()
    shares: dict[str, list[int]] = {}
    matrix_params: dict[str, int] = {}
    meta = header.metadata
    parts = _split_parts(p) if split else None
    if parts is None:
        _tally(header, names, blocks, shares, matrix_params)
        if split:
            here = f"part {split_no + 1:,} of {split_count:,}" if split_no is not None else "one part"
            notes.append(
                f"{here} of a split model, but the file name has no -0000N-of-0000M, so the other "
                "parts were not looked for — parameters and sizes cover this part only"
            )
        return _Tensors([str(p)], header.file_size, len(header.tensors), shares, matrix_params, meta)
    present, missing, where = parts
    files, size_bytes, tensor_count = [], 0, 0
    first: dict[str, Any] | None = None
    for part in present:  # one header at a time: only the totals and the first part's metadata stay
        h = header if part.name == p.name else _read_part(p, part)
        _tally(h, names, blocks, shares, matrix_params)
        files.append(str(part))
        size_bytes += h.file_size
        tensor_count += len(h.tensors)
        if first is None and _as_int(h.metadata.get("split.no")) == 0:
            first = h.metadata
    if missing:
        notes.append(
            f"{where}; missing beside it: {missing} — parameters and sizes cover the parts present only"
        )
    meta = {**(first or meta), **{k: v for k, v in header.metadata.items() if k.startswith("split.")}}
    return _Tensors(files, size_bytes, tensor_count, shares, matrix_params, meta)


def _gguf_file_type(meta: dict[str, Any], notes: list[str]) -> tuple[str | None, int | None]:
    """``general.file_type`` as a scheme name (Q4_K_M) and its id (without the 'guessed' flag)."""
    from .tables import vocabulary

    file_type_id = meta.get("general.file_type")
    if not isinstance(file_type_id, int) or isinstance(file_type_id, bool):
        return None, None
    if file_type_id & 1024:
        notes.append("general.file_type has llama.cpp's 'guessed' flag (1024)")
        file_type_id &= ~1024
    row = vocabulary().file_type_by_id.get(file_type_id)
    return (row.scheme if row else f"unknown file type {file_type_id}"), file_type_id


def _gguf_shape(arch: str | None, meta: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Layers, heads, lengths, experts, vocabulary size and the exact KV cache per token."""

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
    return dict(
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
        vocab_size=vocab.count if isinstance(vocab, ArrayValue) else _as_int(key("vocab_size")),
        kv_cache_bytes_per_token=per_token,
        kv_cache_why=why,
        kv_cache_window_bytes_per_token=window_bytes,
    )


def _tally(
    h: Header,
    names: dict[int, str],
    blocks: dict[int, tuple[int, int]],
    shares: dict[str, list[int]],
    matrix_params: dict[str, int],
) -> None:
    """Add one header's tensors to the per-type [tensors, elements, bytes] and matrix totals."""
    for t in h.tensors:
        elements = math.prod(t.shape)
        block, type_size = blocks[t.type_id]
        nbytes = elements // block * type_size
        name = names.get(t.type_id, str(t.type_id))
        share = shares.setdefault(name, [0, 0, 0])
        share[0] += 1
        share[1] += elements
        share[2] += nbytes
        if sum(d > 1 for d in t.shape) >= 2:
            matrix_params[name] = matrix_params.get(name, 0) + elements


def _split_parts(p: Path) -> tuple[list[Path], str, str] | None:
    """The parts of a split GGUF file found beside ``p``: (present, in order; missing; where ``p`` is).

    The parts looked for come from the file's *name* (``-00001-of-00003``: five digits, so at most
    99,999 parts), never from the ``split.count`` in its header, which a corrupt file can set to
    2^64 - 1 (a header that disagrees with its name is a shard mismatch).  The folder is listed once.
    None when the name has no part numbering.
    """
    match = _SPLIT.match(p.name)
    if not match:
        return None
    stem, index, total = match.group(1), int(match.group(2)), int(match.group(3))
    pattern = re.compile(re.escape(stem) + r"-(\d{5})-of-" + match.group(3) + r"\.gguf", re.IGNORECASE)
    found: dict[int, Path] = {}
    try:
        with os.scandir(p.parent) as entries:
            for entry in entries:
                m = pattern.fullmatch(entry.name)
                if m and 1 <= int(m.group(1)) <= total and entry.name != p.name:
                    found.setdefault(int(m.group(1)), p.parent / entry.name)
    except OSError:
        found = {}  # an unreadable folder: this part alone
    found[index] = p
    present = [found[i] for i in sorted(found)]
    absent = total - sum(1 <= i <= total for i in found)
    shown: list[str] = []
    for i in range(1, total + 1):
        if len(shown) == 3:
            break
        if i not in found:
            shown.append(f"{stem}-{i:05d}-of-{total:05d}.gguf")
    if absent > len(shown):
        missing = f"{absent:,} parts ({', '.join(shown)}, …)"
    else:
        missing = ", ".join(shown)
    return present, missing, f"part {index} of {total}"


def _read_part(p: Path, part: Path) -> Header:
    """Another part of ``p``'s split model; its errors name it (their offsets are in it)."""
    try:
        return _read_gguf(part)
    except InspectError as err:
        raise InspectError(
            part, f"{part.name}, another part of this model: {err.reason}", err.offset
        ) from None


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
    if key_len > _MAX_HEAD_DIM or value_len > _MAX_HEAD_DIM:
        return None, f"a key/value length of {max(key_len, value_len):,} per head is implausible", 0
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


def _text(value: Any, limit: int = _MAX_TEXT) -> str | None:
    """A string read from a file, safe to print on one line: None if not a string.

    Control characters (a terminal escape sequence in ``general.name``) and lone surrogates (a
    ``\\ud800`` escape in JSON, which no encoder can write) are shown escaped; it is cut at
    ``limit`` characters.
    """
    if not isinstance(value, str):
        return None
    if len(value) > limit:
        value = value[:limit] + "…"
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)


def _small_metadata(meta: dict[str, Any]) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {}
    for k, v in meta.items():
        if k.startswith("tokenizer.") or isinstance(v, ArrayValue) or v is None or len(k) > 200:
            continue
        if isinstance(v, str):
            if len(v) > 200:
                continue
            v = _text(v) or ""
        elif isinstance(v, float) and not math.isfinite(v):
            v = repr(v)  # nan, inf: JSON has no such numbers
        elif not isinstance(v, (int, float, bool)):
            continue
        out[_text(k) or ""] = v
        if len(out) == _MAX_METADATA:
            break
    return out


def _shares(shares: dict[str, list[int]]) -> tuple[TensorTypeShare, ...]:
    rows = [TensorTypeShare(type=t, tensors=a, parameters=b, bytes=c) for t, (a, b, c) in shares.items()]
    return tuple(sorted(rows, key=lambda r: (-r.bytes, r.type)))


# --------------------------------------------------------------------------- JSON read from files


class _Overlong(Exception):
    """A number in JSON too long to be a count (the json module would hand it to int())."""

    def __init__(self, text: str) -> None:
        self.text = text


def _json_int(text: str) -> int:
    if len(text) > _JSON_MAX_DIGITS:
        raise _Overlong(text)
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > 10 * _JSON_MAX_DIGITS:
        raise _Overlong(text)
    return float(text)


_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def _read_json(
    p: Path, data: bytes, base: int, what: str, *, find_twice: bool = False
) -> tuple[Any, list[str]]:
    """Parse JSON read from a file (a safetensors header, an index, a config.json), within bounds.

    ``base`` is the byte offset of ``data`` in the file: every error is an :class:`InspectError`
    with the byte where the fault is.  Before the json module runs, the brackets and commas are
    counted (so what it can allocate is bounded); numbers longer than a count can be are refused
    before ``int()`` sees them; nesting deeper than Python can parse is reported, not raised.
    NaN and Infinity are read as Python reads them (the callers accept only integers where counts
    are expected).  Returns the value and, if ``find_twice``, the keys given twice in one object
    (the last is kept, as by every JSON reader; finding them costs a call per object).
    """
    containers = data.count(b"[") + data.count(b"{")
    if containers > _JSON_MAX_CONTAINERS:
        at = _nth(data, lambda end: data.count(b"[", 0, end) + data.count(b"{", 0, end), _JSON_MAX_CONTAINERS)
        raise InspectError(
            p, f"{what} holds more than {_JSON_MAX_CONTAINERS:,} arrays and objects", base + at
        )
    if data.count(b",") > _JSON_MAX_ITEMS:
        at = _nth(data, lambda end: data.count(b",", 0, end), _JSON_MAX_ITEMS)
        raise InspectError(p, f"{what} holds more than {_JSON_MAX_ITEMS:,} items", base + at)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InspectError(p, f"{what} is not valid UTF-8", base + err.start) from None
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items) and not twice:
            seen: set[str] = set()
            for k, _ in items:
                if k in seen:
                    twice.append(k)
                    break
                seen.add(k)
        return obj

    try:
        value = json.loads(
            text,
            parse_int=_json_int,
            parse_float=_json_float,
            object_pairs_hook=pairs if find_twice else None,
        )
    except json.JSONDecodeError as err:
        at = base + len(text[: err.pos].encode("utf-8"))
        raise InspectError(p, f"{what} is not valid JSON: {err.msg}", at) from None
    except _Overlong as err:
        at = base + max(data.find(err.text.encode("ascii", "replace")), 0)
        raise InspectError(
            p, f"{what} has a number {len(err.text):,} characters long, too long for any count", at
        ) from None
    except RecursionError:
        at = base + (_deeper_than(data, _JSON_MAX_DEPTH) or 0)
        raise InspectError(p, f"{what} is nested more than {_JSON_MAX_DEPTH} levels deep", at) from None
    return value, twice


def _nth(data: bytes, count_before: Callable[[int], int], n: int) -> int:
    """The offset of the ``n``-th counted byte (0-based), by bisection on ``count_before(end)``.

    ~25 C-speed counts over at most the header, instead of a Python loop over every bracket.
    """
    lo, hi = 0, len(data)
    while lo < hi:
        mid = (lo + hi) // 2
        if count_before(mid + 1) > n:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _deeper_than(data: bytes, limit: int) -> int | None:
    """The offset where the JSON in ``data`` first opens more than ``limit`` nested arrays/objects.

    Called only after the json module gave up on depth, so the text before that place is valid
    JSON (every string closed) and the scan stops there.
    """
    depth = 0
    for m in _JSON_TOKEN.finditer(data):
        c = data[m.start()]
        if c in b"[{":
            depth += 1
            if depth > limit:
                return m.start()
        elif c in b"]}":
            depth -= 1
    return None


_COLON = re.compile(rb"[ \t\r\n]*:")


def _json_offset(raw: bytes, text: str, *, key: bool = False) -> int:
    """Where the JSON string ``text`` is written in ``raw`` (as an object key if ``key``), else 0."""
    for spelled in (json.dumps(text, ensure_ascii=False), json.dumps(text)):
        try:
            needle = spelled.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: only the escaped spelling can be in the file
            continue
        at = raw.find(needle)
        while at >= 0:
            if not key or _COLON.match(raw, at + len(needle)):
                return at
            at = raw.find(needle, at + 1)
    return 0


def _show(value: Any, depth: int = 0) -> str:
    """A short repr for an error message: a hostile header's value can be megabytes long."""
    if isinstance(value, list):
        if depth >= 2:
            return "[…]"
        inner = ", ".join(_show(v, depth + 1) for v in value[:4])
        return f"[{inner}{', …' if len(value) > 4 else ''}]"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:50])[:-1] + "…'"
    return repr(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# --------------------------------------------------------------------------- safetensors


def _st_header(p: Path) -> tuple[dict[str, tuple[str, int, int]], dict[str, str], list[str], int]:
    """(tensors: name → (dtype, elements, bytes), ``__metadata__``, notes, file size) of one file."""
    raw, n, size = _st_raw_header(p)
    header, twice = _read_json(p, raw, 8, "the JSON header", find_twice=True)
    if not isinstance(header, dict):
        raise InspectError(p, "the JSON header is not an object", 8)
    tensors: dict[str, tuple[str, int, int]] = {}
    meta: dict[str, str] = {}
    notes = []
    if twice:
        notes.append(
            f"the JSON header gives the key {_show(twice[0])} twice in one object; the last is read "
            "(other readers may take the first, or refuse the file)"
        )
    for name, entry in header.items():
        if name == "__metadata__":
            _st_metadata(p, entry, meta, raw)
            continue
        dtype, elements, need, end = _st_tensor(p, name, entry, raw)
        if end > size - 8 - n:
            raise InspectError(
                p,
                f"the file is truncated: tensor {_show(name)} needs bytes up to {8 + n + end:,}, "
                f"but the file ends at {size:,}",
                size,
            )
        tensors[name] = (dtype, elements, need)
    return tensors, meta, notes, size


def _st_raw_header(p: Path) -> tuple[bytes, int, int]:
    """The JSON header's bytes, its declared length and the file size (every length checked)."""
    f, size = _open(p)
    with f:
        if size < 8:
            raise InspectError(
                p, f"too short for safetensors: {size} bytes, the 8-byte header length is missing", 0
            )
        try:
            first = f.read(8)
            n = struct.unpack("<Q", first)[0] if len(first) == 8 else 0
            if n > size - 8:
                raise InspectError(
                    p,
                    f"header length {n:,} runs past the end of the file ({size:,} bytes): not safetensors, or truncated",
                    0,
                )
            if n > _ST_MAX_HEADER:
                raise InspectError(
                    p, f"header length {n:,} is over the {_ST_MAX_HEADER:,} bytes huggingface_hub reads", 0
                )
            raw = f.read(n)
        except OSError as err:
            raise InspectError(p, f"cannot read: {_why(err)}") from None
    if len(first) < 8 or len(raw) < n:  # it shrank since fstat
        got = len(first) + len(raw)
        raise InspectError(p, f"the file ended at {got:,} bytes while its header was read", got)
    if raw[:1] != b"{":
        raise InspectError(
            p, f"not a safetensors file: the header does not start with '{{' but {raw[:8]!r}", 8
        )
    return raw, n, size


class _Bad:
    """Errors about one header entry, at the entry's byte offset (found only when needed)."""

    def __init__(self, p: Path, raw: bytes, name: str) -> None:
        self.p, self.raw, self.name = p, raw, name

    def __call__(self, message: str) -> InspectError:
        return InspectError(self.p, message, 8 + _json_offset(self.raw, self.name, key=True))


def _st_metadata(p: Path, entry: Any, meta: dict[str, str], raw: bytes) -> None:
    """``__metadata__``: an object of strings; short ones are kept."""
    if entry is None:
        return
    if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
        raise _Bad(p, raw, "__metadata__")(
            "__metadata__ is not an object of strings (the safetensors library refuses the file)"
        )
    for k, v in entry.items():
        if len(meta) < _MAX_METADATA and len(k) <= 200 and len(v) <= 200:
            meta[_text(k) or ""] = _text(v) or ""


def _st_tensor(p: Path, name: str, entry: Any, raw: bytes) -> tuple[str, int, int, int]:
    """(dtype, elements, bytes, end offset) of one tensor entry, every field checked."""
    bad = _Bad(p, raw, name)
    if not isinstance(entry, dict):
        raise bad(f"tensor {_show(name)}: its header entry is not an object")
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(dtype, str) or dtype not in _ST_BITS:
        raise bad(f"tensor {_show(name)} has unknown dtype {_show(dtype)}")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise bad(f"tensor {_show(name)} has an invalid shape {_show(shape)}")
    elements = 1
    for d in shape:
        elements *= d
        if elements > _MAX_ELEMENTS:  # checked at each step, as the safetensors library does
            raise bad(f"tensor {_show(name)}: shape {_show(shape)} has more than 2^64 elements")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(_is_count(o) for o in offsets)
        or offsets[0] > offsets[1]
    ):
        raise bad(f"tensor {_show(name)} has invalid data_offsets {_show(offsets)}")
    need = -(-elements * _ST_BITS[dtype] // 8)
    if offsets[1] - offsets[0] != need:
        raise bad(
            f"tensor {_show(name)}: data_offsets {_show(offsets)} hold {offsets[1] - offsets[0]:,} bytes, "
            f"but shape {_show(shape)} of {dtype} needs {need:,}"
        )
    return dtype, elements, need, offsets[1]


def _plain_name(name: str) -> bool:
    """Whether an index's shard name is a file name in the index's own folder."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        return False
    try:
        return len(os.fsencode(name)) <= 255
    except UnicodeError:
        return False


def _st_files(p: Path) -> tuple[Path | None, list[Path], dict[str, Any]]:
    """(index file or None, shard files in order, index metadata with its ``weight_map``)."""
    index: Path | None = None
    if p.name.lower().endswith(".index.json"):
        index = p
    else:
        try:
            needle = json.dumps(p.name, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            needle = None
        for candidate in sorted(p.parent.glob("*.safetensors.index.json")) if needle else ():
            try:
                text = _read_small(candidate, _INDEX_MAX, "the index")
            except InspectError:
                continue
            if needle in text:
                index = candidate
                break
    if index is None:
        return None, [p], {}
    raw = _read_small(index, _INDEX_MAX, "the index")
    data, _ = _read_json(index, raw, 0, "the index")
    weight_map = data.get("weight_map") if isinstance(data, dict) else None
    if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
        raise InspectError(index, "not a safetensors index: no weight_map of tensor → file", 0)
    shards: dict[str, None] = {}
    for shard in weight_map.values():
        if shard in shards:
            continue
        if not _plain_name(shard):
            raise InspectError(
                index, f"the index names a shard outside its folder: {_show(shard)}", _json_offset(raw, shard)
            )
        shards[shard] = None
        if len(shards) > _MAX_SHARDS:
            raise InspectError(
                index, f"the index names more than {_MAX_SHARDS:,} shard files", _json_offset(raw, shard)
            )
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return index, [index.with_name(n) for n in sorted(shards)], {**meta, "weight_map": weight_map}


def _few(names: list[str]) -> str:
    """Up to three names, and how many in all when there are more."""
    if len(names) <= 3:
        return ", ".join(names)
    return f"{len(names):,} files ({', '.join(names[:3])}, …)"


def _inspect_safetensors(p: Path) -> Inspection:
    index, files, index_meta = _st_files(p)
    notes: list[str] = []
    present = [f for f in files if not isinstance(_stat(f), str)]
    missing = [_text(f.name) or "" for f in files if isinstance(_stat(f), str)]
    if not present:
        raise InspectError(p, f"none of the {len(files)} shards named in the index is here")
    if missing:
        notes.append(
            f"{len(present)} of {len(files)} shards present; missing: {_few(missing)} — counts cover the present ones"
        )
    shares: dict[str, list[int]] = {}
    tensor_names: set[str] = set()
    parameters = data_bytes = disk = 0
    st_meta: dict[str, str] = {}
    for f in present:
        try:
            tensors, meta, more, size = _st_header(f)
        except InspectError as err:
            if f.name == p.name:
                raise
            raise InspectError(f, f"{f.name}, a shard of this model: {err.reason}", err.offset) from None
        disk += size
        notes += [n for n in more if n not in notes]
        for k, v in meta.items():
            if len(st_meta) < _MAX_METADATA:
                st_meta[k] = v
        for name, (dtype, elements, nbytes) in tensors.items():
            tensor_names.add(name)
            share = shares.setdefault(dtype, [0, 0, 0])
            share[0] += 1
            share[1] += elements
            share[2] += nbytes
            parameters += elements
            data_bytes += nbytes
    index_size = 0
    if index is not None:
        st = _stat(index)
        index_size = 0 if isinstance(st, str) else st.st_size
        total_size = index_meta.get("total_size")
        if isinstance(total_size, float) and math.isfinite(total_size):
            total_size = int(total_size)
        if not missing and _is_count(total_size) and total_size != data_bytes:
            notes.append(
                f"the index says total_size {total_size:,} but the shards hold {data_bytes:,} bytes of tensors"
            )
        absent = [t for t in index_meta["weight_map"] if t not in tensor_names]
        if absent and not missing:
            notes.append(
                f"{len(absent)} tensors named in the index are in no shard (first: {_show(absent[0])})"
            )
    packed = any(n.endswith((".qweight", ".scales", ".weight_scale", ".absmax")) for n in tensor_names)
    if packed:
        notes.append("quantized tensors are packed: the counts are of stored elements, not of weights")
    config = _read_config(p.parent, notes)
    name = _name_for(p)
    info: dict[str, Any] = dict(
        path=str(p),
        format="safetensors",
        files=tuple(str(f) for f in ([index] if index else []) + present),
        size_bytes=disk + index_size,
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
    if _stat(path) == "no such file":
        return {}
    try:
        data, _ = _read_json(path, _read_small(path, _CONFIG_MAX, "config.json"), 0, "config.json")
    except InspectError as err:
        notes.append(f"config.json beside the weights could not be read: {err}")
        return {}
    if not isinstance(data, dict):
        notes.append("config.json beside the weights is not a JSON object")
        return {}
    text = data.get("text_config") if isinstance(data.get("text_config"), dict) else data
    layers = _as_int(text.get("num_hidden_layers"))
    heads = _as_int(text.get("num_attention_heads"))
    kv = _as_int(text.get("num_key_value_heads")) or heads
    hidden = _as_int(text.get("hidden_size"))
    head_dim = _as_int(text.get("head_dim")) or (hidden // heads if hidden and heads else None)
    out: dict[str, Any] = {
        "architecture": _text(text.get("model_type")) or _text(data.get("model_type")),
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
    if not (layers and kv and head_dim):
        out["kv_cache_why"] = "config.json lacks the layer or head counts"
    elif layers > _MAX_LAYERS or kv > _MAX_HEADS or head_dim > _MAX_HEAD_DIM:
        out["kv_cache_why"] = (
            f"config.json gives an implausible shape ({layers:,} layers, {kv:,} KV heads of {head_dim:,})"
        )
    else:
        out["kv_cache_bytes_per_token"] = layers * kv * head_dim * 2 * 2
        out["kv_cache_why"] = (
            f"{layers} layers × {kv} KV heads × ({head_dim} + {head_dim}) dims × 2 bytes (config.json)"
        )
    return out


_GENERIC = re.compile(
    r"^(model|pytorch_model|adapter_model|diffusion_pytorch_model|consolidated)([-.].*)?$", re.IGNORECASE
)


def _name_for(p: Path) -> str:
    """The name to compare: the file's own, or its folder's for ``model-00001-of-00004.safetensors``."""
    if not _GENERIC.match(p.name):
        return p.name
    try:
        folder = p.parent.resolve()
    except (OSError, RuntimeError):  # a symlink loop above the file
        folder = p.parent.absolute()
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

        f, size = _open(p)
        with f:
            directory = _zip_directory_size(f, size)
            if directory > _ZIP_MAX_DIRECTORY:
                raise InspectError(
                    p,
                    f"the ZIP archive's table of contents claims {directory:,} bytes, over the "
                    f"{_ZIP_MAX_DIRECTORY // 2**20} MiB this tool lists",
                    None,
                )
            try:
                with zipfile.ZipFile(f) as archive:
                    entries = archive.infolist()
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                OSError,
                ValueError,
                EOFError,
                struct.error,
            ) as err:
                reason = _text(str(err)) or type(err).__name__
                raise InspectError(
                    p, f"a damaged ZIP archive (PyTorch checkpoint?): {reason}", None
                ) from None
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


def _zip_directory_size(f: BinaryIO, size: int) -> int:
    """The central directory size a ZIP's end records claim (zipfile reads it in one piece), else 0.

    The same records zipfile reads: the end record in the last 64 KiB, and for ZIP64 the end
    record just before its locator.  Anything unreadable is left for zipfile to refuse.
    """
    tail_size = min(size, 65_557)
    try:
        f.seek(size - tail_size)
        tail = f.read(tail_size)
    except OSError:
        return 0
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return 0
    claimed = struct.unpack_from("<I", tail, end + 12)[0]
    if (
        end >= 76
        and tail[end - 20 : end - 16] == b"PK\x06\x07"
        and tail[end - 76 : end - 72] == b"PK\x06\x06"
    ):
        claimed = max(claimed, struct.unpack_from("<Q", tail, end - 76 + 40)[0])
    return claimed


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
