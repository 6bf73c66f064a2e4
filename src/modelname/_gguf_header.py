"""A bounded reader for GGUF headers: metadata and tensor infos, never tensor data.

Layout (ggml docs/gguf.md): ``GGUF`` magic, u32 version, u64 tensor count, u64 metadata count,
then the metadata key/values, then one info per tensor (name, dims, type, offset), then padding to
``general.alignment`` (default 32) and the tensor data.  Versions 2 and 3 are read (version 1,
from before October 2023, used 32-bit counts and is refused); big-endian files are detected by
their byte-swapped version.

Every count and length is checked against the bytes left in the file *before* anything is
allocated or looped over, so a corrupt header gives one :class:`GGUFError` with the byte offset
instead of a hang or an out-of-memory.  Long strings (chat templates) and long arrays (tokenizer
vocabularies) are skipped, keeping only their length; the reader holds at most one 1 MiB window
of the file in memory.

A count that fits the file can still be absurd (a 2 GB file can declare a hundred million tiny
strings), so the work and memory of one header have fixed ceilings whatever the file's size:
at most ``MAX_KV`` metadata entries and ``MAX_TENSORS`` tensors, at most ``MAX_ITEMS`` array
items walked one by one, and at most ``MAX_KEPT`` bytes of names, strings and array items kept.
Real files use a small part of each (a large model: ~1,200 tensors, ~50 keys, a 262,144-token
vocabulary).  A key or tensor name given twice is an error, as in llama.cpp's own loader.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

__all__ = ["GGUFError", "Header", "TensorInfo", "ArrayValue", "read_header", "MAGIC"]

MAGIC = b"GGUF"
MAX_TENSORS = 1 << 16  # the largest real files have a few thousand (llama.cpp allows 512 layers)
MAX_KV = 1 << 16  # real files have ~50 keys
MAX_ITEMS = 1 << 22  # array items walked one by one (tokenizer strings: ~1M at most in real files)
MAX_KEPT = 32 << 20  # bytes of keys, tensor names, kept strings and items held, overhead included
MAX_KEY = 65535  # gguf.md: keys are at most 2^16 - 1 bytes
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_DEPTH = 3  # nested arrays
KEEP_STRING = 1 << 16  # longer metadata strings are skipped (chat templates are ~10 KB)
KEEP_ARRAY = 4096  # numeric arrays up to this length are kept (per-layer head counts)
KEEP_STRINGS = 16  # string arrays up to this length are kept
_WINDOW = 1 << 20

# value type id → (struct code, size); 8 = string, 9 = array
_SCALARS = {
    0: ("B", 1),
    1: ("b", 1),
    2: ("H", 2),
    3: ("h", 2),
    4: ("I", 4),
    5: ("i", 4),
    6: ("f", 4),
    7: ("?", 1),
    10: ("Q", 8),
    11: ("q", 8),
    12: ("d", 8),
}
_STRING, _ARRAY = 8, 9
_TYPE_NAMES = {
    0: "uint8",
    1: "int8",
    2: "uint16",
    3: "int16",
    4: "uint32",
    5: "int32",
    6: "float32",
    7: "bool",
    8: "string",
    9: "array",
    10: "uint64",
    11: "int64",
    12: "float64",
}


class GGUFError(ValueError):
    """The file is not a readable GGUF file; ``offset`` is the byte where reading failed."""

    def __init__(self, message: str, offset: int | None) -> None:
        self.offset = offset
        self.reason = message
        where = "" if offset is None else f" (at byte offset {offset:,})"
        super().__init__(f"{message}{where}")


@dataclass(frozen=True)
class ArrayValue:
    """A metadata array: item type, length, and the items when short enough to keep."""

    item_type: str
    count: int
    items: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    """Dimensions in GGML order (``ne[0]`` first: the row length)."""
    type_id: int
    offset: int
    """Offset of the data, relative to the start of the data section."""


@dataclass
class Header:
    version: int
    byteorder: str
    """``little`` or ``big``."""
    tensor_count: int
    kv_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    """Scalars and kept strings; arrays as :class:`ArrayValue`; skipped long strings as ``None``."""
    value_types: dict[str, str] = field(default_factory=dict)
    tensors: list[TensorInfo] = field(default_factory=list)
    alignment: int = 32
    data_offset: int = 0
    file_size: int = 0


class _Cursor:
    """Sequential reads over a file with bounds checks and a small read-ahead window."""

    def __init__(self, f: BinaryIO, size: int, order: str = "<") -> None:
        self.f = f
        self.size = size
        self.order = order
        self.pos = 0
        self._buf = b""
        self._start = 0
        self.items = 0  # array items walked, against MAX_ITEMS
        self.kept = 0  # bytes held, against MAX_KEPT

    def walk(self, n: int, what: str, at: int) -> None:
        """Count ``n`` array items about to be walked one by one; refuse past ``MAX_ITEMS``."""
        self.items += n
        if self.items > MAX_ITEMS:
            raise GGUFError(
                f"{what} takes the header past {MAX_ITEMS:,} array items; no real model file has so many",
                at,
            )

    def keep(self, n: int) -> bool:
        """Whether ``n`` more bytes may be held; they are counted when they may."""
        if self.kept + n > MAX_KEPT:
            return False
        self.kept += n
        return True

    def left(self) -> int:
        return self.size - self.pos

    def need(self, n: int, what: str) -> None:
        if n < 0 or n > self.size - self.pos:
            raise GGUFError(
                f"{what} needs {n:,} bytes but only {max(self.size - self.pos, 0):,} are left in the file",
                self.pos,
            )

    def read(self, n: int, what: str) -> bytes:
        self.need(n, what)
        end = self._start + len(self._buf)
        if not (self._start <= self.pos and self.pos + n <= end):
            self.f.seek(self.pos)
            self._buf = self.f.read(max(n, _WINDOW))
            self._start = self.pos
            if len(self._buf) < n:
                raise GGUFError(f"{what}: the file ended early", self.pos)
        i = self.pos - self._start
        self.pos += n
        return self._buf[i : i + n]

    def skip(self, n: int, what: str) -> None:
        self.need(n, what)
        self.pos += n

    def skip_strings(self, count: int, what: str) -> None:
        """Skip ``count`` length-prefixed strings (a tokenizer vocabulary) without decoding them."""
        self.walk(count, what, self.pos - 8)
        length = struct.Struct(self.order + "Q")
        for _ in range(count):
            i = self.pos - self._start
            if 0 <= i and i + 8 <= len(self._buf):
                n = length.unpack_from(self._buf, i)[0]
                self.pos += 8
            else:
                n = self.u64(f"length of a string in {what}")
            if n > self.size - self.pos:
                raise GGUFError(
                    f"a string in {what} claims {n:,} bytes, past the end of the file", self.pos - 8
                )
            self.pos += n

    def unpack(self, code: str, size: int, what: str) -> Any:
        return struct.unpack(self.order + code, self.read(size, what))[0]

    def u32(self, what: str) -> int:
        return self.unpack("I", 4, what)

    def u64(self, what: str) -> int:
        return self.unpack("Q", 8, what)

    def string(self, what: str, limit: int | None = None) -> str | None:
        """A length-prefixed UTF-8 string; None (skipped) when longer than ``limit``."""
        at = self.pos
        n = self.u64(f"length of {what}")
        if n > self.left():
            raise GGUFError(f"{what} claims {n:,} bytes, past the end of the file ({self.size:,} bytes)", at)
        if limit is not None and n > limit:
            self.skip(n, what)
            return None
        return self.read(n, what).decode("utf-8", errors="replace")


def _q(text: str) -> str:
    """A key or tensor name quoted for a message, cut short: a key may be 65,535 bytes long."""
    return repr(text) if len(text) <= 80 else repr(text[:60])[:-1] + "…'"


def _min_size(type_id: int) -> int:
    if type_id in _SCALARS:
        return _SCALARS[type_id][1]
    return 8 if type_id == _STRING else 12


def _value(cur: _Cursor, type_id: int, key: str, depth: int = 0) -> Any:
    if type_id in _SCALARS:
        code, size = _SCALARS[type_id]
        return cur.unpack(code, size, f"value of {key}")
    if type_id == _STRING:
        value = cur.string(f"string value of {key}", KEEP_STRING)
        return value if value is None or cur.keep(len(value) + 64) else None
    if type_id != _ARRAY:
        raise GGUFError(f"unknown value type {type_id} for key {key}", cur.pos - 4)
    if depth >= MAX_DEPTH:
        raise GGUFError(f"arrays nested more than {MAX_DEPTH} deep in {key}", cur.pos)
    at = cur.pos
    item_type = cur.u32(f"item type of array {key}")
    if item_type not in _TYPE_NAMES:
        raise GGUFError(f"unknown item type {item_type} in array {key}", at)
    count = cur.u64(f"length of array {key}")
    if count * _min_size(item_type) > cur.left():
        raise GGUFError(
            f"array {key} claims {count:,} items, which the {cur.left():,} bytes left in the file cannot hold",
            at + 4,
        )
    if item_type in _SCALARS:
        code, size = _SCALARS[item_type]
        if count <= KEEP_ARRAY and cur.keep(40 * count + 64):
            raw = cur.read(count * size, f"array {key}")
            items = struct.unpack(f"{cur.order}{count}{code}", raw)
            return ArrayValue(_TYPE_NAMES[item_type], count, tuple(items))
        cur.skip(count * size, f"array {key}")
        return ArrayValue(_TYPE_NAMES[item_type], count)
    if item_type == _STRING and count > KEEP_STRINGS:
        cur.skip_strings(count, f"array {key}")
        return ArrayValue(_TYPE_NAMES[item_type], count)
    # arrays of arrays, and short string arrays: walked item by item (nested calls cost ~8 strings)
    cur.walk(count if item_type == _STRING else 8 * count, f"array {key}", at)
    kept: list[Any] = []
    for i in range(count):
        item = _value(cur, item_type, f"{key}[{i}]", depth + 1)
        if count <= KEEP_STRINGS:
            kept.append(item)
    return ArrayValue(_TYPE_NAMES[item_type], count, tuple(kept) if count <= KEEP_STRINGS else None)


def read_header(f: BinaryIO, size: int, *, block_sizes: dict[int, tuple[int, int]]) -> Header:
    """Read and check a GGUF header from an open binary file of ``size`` bytes.

    ``block_sizes`` maps tensor type ids to (weights per block, bytes per block); a tensor of an
    unknown type, with a row length that is not a whole number of blocks, or whose data would run
    past the end of the file is an error.
    """
    cur = _Cursor(f, size)
    version = _read_version(cur, size)
    tensor_count = cur.u64("tensor count")
    kv_count = cur.u64("metadata count")
    left = cur.left()
    if tensor_count > MAX_TENSORS or tensor_count * 24 > left:
        raise GGUFError(
            f"tensor count {tensor_count:,} is impossible for a file of {size:,} bytes "
            f"(each tensor needs at least 24 bytes of header)",
            8,
        )
    if kv_count > MAX_KV or kv_count * 13 + tensor_count * 24 > left:
        raise GGUFError(
            f"metadata count {kv_count:,} is impossible for a file of {size:,} bytes "
            f"(each entry needs at least 13 bytes)",
            16,
        )
    header = Header(
        version=version,
        byteorder="big" if cur.order == ">" else "little",
        tensor_count=tensor_count,
        kv_count=kv_count,
        file_size=size,
    )
    header.alignment = _read_metadata(cur, header, kv_count)
    if tensor_count * 24 > cur.left():
        raise GGUFError(
            f"{tensor_count:,} tensor infos cannot fit in the {cur.left():,} bytes left after the metadata",
            cur.pos,
        )
    names: set[str] = set()
    for i in range(tensor_count):
        header.tensors.append(_read_tensor_info(cur, i, names, header.alignment, block_sizes))
    header.data_offset = -(-cur.pos // header.alignment) * header.alignment
    _check_tensor_data(header, size, block_sizes)
    return header


def _read_version(cur: _Cursor, size: int) -> int:
    """The magic and the version (2 or 3; a byte-swapped version means a big-endian file)."""
    magic = cur.read(4, "magic") if size >= 4 else b""
    if magic != MAGIC:
        raise GGUFError(f"not a GGUF file: the first bytes are {magic!r}, expected b'GGUF'", 0)
    raw_version = cur.read(4, "version")
    version = struct.unpack("<I", raw_version)[0]
    if version not in (1, 2, 3):
        swapped = struct.unpack(">I", raw_version)[0]
        if swapped in (2, 3):
            cur.order, version = ">", swapped
        else:
            raise GGUFError(f"unsupported GGUF version {version} (this reader knows versions 2 and 3)", 4)
    if version == 1:
        raise GGUFError(
            "GGUF version 1 (files from before October 2023) is not supported; convert the model again", 4
        )
    return version


def _read_metadata(cur: _Cursor, header: Header, kv_count: int) -> int:
    """Read the ``kv_count`` metadata entries into ``header``; returns ``general.alignment``."""
    alignment_at = None
    for i in range(kv_count):
        at = cur.pos
        key = cur.string(f"key of metadata entry {i}", MAX_KEY)
        if key is None:
            raise GGUFError(f"key of metadata entry {i} is longer than {MAX_KEY} bytes", at)
        label = _q(key)
        if key in header.metadata:
            raise GGUFError(f"metadata key {label} appears twice (llama.cpp refuses such a file)", at)
        if not cur.keep(len(key) + 256):
            raise GGUFError(f"the metadata keys take more than {MAX_KEPT // 2**20} MiB", at)
        type_at = cur.pos
        type_id = cur.u32(f"value type of {label}")
        if type_id not in _TYPE_NAMES:
            raise GGUFError(f"unknown value type {type_id} for key {label}", type_at)
        if key == "general.alignment":
            alignment_at = type_at
        header.metadata[key] = _value(cur, type_id, label)
        header.value_types[key] = _TYPE_NAMES[type_id]
    alignment = header.metadata.get("general.alignment", 32)
    if (
        not isinstance(alignment, int)
        or isinstance(alignment, bool)
        or alignment <= 0
        or alignment & (alignment - 1)
    ):
        shown = _q(alignment) if isinstance(alignment, str) else repr(alignment)[:80]
        raise GGUFError(f"general.alignment = {shown} is not a power of two", alignment_at)
    return alignment


def _read_tensor_info(
    cur: _Cursor, i: int, names: set[str], alignment: int, block_sizes: dict[int, tuple[int, int]]
) -> TensorInfo:
    """One tensor info: name (unique), dimensions (1 to 4), type (known), data offset (aligned)."""
    at = cur.pos
    name = cur.string(f"name of tensor {i}", MAX_KEY)
    if name is None:
        raise GGUFError(f"name of tensor {i} is longer than {MAX_KEY} bytes", at)
    label = _q(name)
    if name in names:
        raise GGUFError(f"tensor name {label} appears twice (llama.cpp refuses such a file)", at)
    if not cur.keep(2 * len(name) + 320):
        raise GGUFError(f"the tensor names take more than {MAX_KEPT // 2**20} MiB", at)
    names.add(name)
    n_dims = cur.u32(f"dimension count of tensor {label}")
    if not 1 <= n_dims <= MAX_DIMS:
        raise GGUFError(
            f"tensor {label} has {n_dims:,} dimensions (GGUF allows 1 to {MAX_DIMS})", cur.pos - 4
        )
    shape = tuple(cur.u64(f"dimension of tensor {label}") for _ in range(n_dims))
    elements = 1
    for d in shape:
        elements *= d
    if elements > 1 << 48:
        raise GGUFError(f"tensor {label} claims {elements:,} elements", at)
    type_at = cur.pos
    type_id = cur.u32(f"type of tensor {label}")
    if type_id not in block_sizes:
        raise GGUFError(f"tensor {label} has unknown type id {type_id}", type_at)
    block, _ = block_sizes[type_id]
    if shape[0] % block:
        raise GGUFError(
            f"tensor {label}: row length {shape[0]:,} is not a multiple of its type's block of {block}", at
        )
    offset_at = cur.pos
    offset = cur.u64(f"data offset of tensor {label}")
    if offset % alignment:
        raise GGUFError(f"tensor {label}: data offset {offset:,} is not aligned to {alignment}", offset_at)
    return TensorInfo(name, shape, type_id, offset)


def _check_tensor_data(header: Header, size: int, block_sizes: dict[int, tuple[int, int]]) -> None:
    """Every tensor's data lies inside the file."""
    data_size = size - header.data_offset
    for t in header.tensors:
        block, type_size = block_sizes[t.type_id]
        elements = 1
        for d in t.shape:
            elements *= d
        nbytes = elements // block * type_size
        if t.offset + nbytes > data_size:
            end = header.data_offset + t.offset + nbytes
            raise GGUFError(
                f"the file is truncated: tensor {_q(t.name)} needs bytes up to {end:,}, but the file ends at {size:,}",
                size,
            )
