"""Hostile model files: inspect answers an Inspection or one InspectError, in bounded time and memory.

Generated cases, not examples.  Valid GGUF files (written by ``gguf.GGUFWriter``, one of them split
in two parts) and a valid safetensors set (written by the ``safetensors`` package, with an index and
a config.json) are damaged by a seeded generator: huge values written at every count, length, type
and integer field of the GGUF header; hostile JSON (5,000-digit numbers, 100,000 brackets deep,
NaN, booleans and negatives for counts, lone surrogates, duplicate keys, a million shard names)
put at every place of the safetensors header, the index and config.json; bytes flipped, inserted,
duplicated and cut off.  For every file, ``modelname.inspect`` must return or raise InspectError
(one line, with a byte offset for a damaged header) within seconds, with a bounded memory peak.
Then the cases the issue reported, and the paths that are not files (FIFO, /dev/zero, symlink loop).
"""

from __future__ import annotations

import json
import os
import random
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import modelname
from modelname import _gguf_header
from modelname._inspect import InspectError, Inspection, inspect
from modelname.cli import cli

np = pytest.importorskip("numpy")
gguf = pytest.importorskip("gguf")
pytest.importorskip("safetensors")
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFWriter
from safetensors.numpy import save_file

inspect_module = sys.modules["modelname._inspect"]

MAX_SECONDS = 5.0  # the promise is "within a second"; shared CI machines get slack
MAX_PEAK = 48 * 2**20  # tracemalloc peak per file


# --------------------------------------------------------------------------- measuring one file


class Figures:
    """Cases tried, how they ended, the worst time and memory peak: printed, and asserted on."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.read = self.errors = 0
        self.worst_time = 0.0
        self.worst_peak = 0
        self.messages: list[str] = []

    def probe(self, path: Path, what: str = "", *, offset_required: bool = True) -> Inspection | InspectError:
        """Inspect ``path`` under tracemalloc; anything but an Inspection or InspectError fails.

        ``what`` names the damage in failure messages; an exception of another kind fails the test
        with its own traceback, which is the point.
        """
        tracemalloc.start()
        start = time.perf_counter()
        try:
            result: Inspection | InspectError = inspect(path)
        except InspectError as err:
            result = err
        finally:
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        self.worst_time = max(self.worst_time, seconds)
        self.worst_peak = max(self.worst_peak, peak)
        assert seconds < MAX_SECONDS, f"{what}: {seconds:.2f} s"
        assert peak < MAX_PEAK, f"{what}: {peak / 2**20:.1f} MiB"
        if isinstance(result, InspectError):
            self.errors += 1
            message = str(result)
            self.messages.append(result.reason)
            assert "\n" not in message and "\r" not in message, what
            assert len(message) < 1000, f"{what}: {message[:200]}"
            if offset_required:
                assert result.offset is not None, f"{what}: {message}"
                where = Path(result.path)  # the file the offset is in: a shard's, an index's
                assert where.is_file() and 0 <= result.offset <= where.stat().st_size, f"{what}: {message}"
                assert message.endswith(f"(at byte offset {result.offset:,})")
        else:
            self.read += 1
            json.dumps(result.model_dump(mode="json"), ensure_ascii=False, allow_nan=False).encode("utf-8")
            result.estimate_memory()  # what `modelname fit FILE` does with the answer
            result.estimate_memory(131_072)
            assert all(
                m.field in ("quantization", "parameters", "family", "role", "shard")
                for m in result.mismatches
            )
        return result

    def report(self) -> str:
        return (
            f"{self.label}: {self.read + self.errors} cases, {self.read} read, {self.errors} refused, "
            f"worst {self.worst_time * 1000:.0f} ms, peak {self.worst_peak / 2**20:.1f} MiB"
        )


def cli_line(path: Path) -> None:
    """The CLI prints one line for a file it cannot read, and a traceback never."""
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stderr.startswith(f"modelname: cannot read {path}: ")
        assert result.stderr.count("\n") == 1
    else:
        assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- valid files to damage


def write_gguf(path: Path, meta: dict, tensors: list[tuple[str, tuple[int, ...], str]]) -> Path:
    w = GGUFWriter(str(path), "llama")
    for key, (kind, value) in meta.items():
        getattr(w, f"add_{kind}")(key, value)
    for name, shape, type_name in tensors:
        qtype = GGMLQuantizationType[type_name]
        block, size = GGML_QUANT_SIZES[qtype]
        if type_name == "F32":
            w.add_tensor(name, np.ones(shape, dtype=np.float32))
        else:
            w.add_tensor(
                name, np.zeros((*shape[:-1], shape[-1] // block * size), dtype=np.uint8), raw_dtype=qtype
            )
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


TINY_META = {
    "general.name": ("string", "Tiny Llama"),
    "general.file_type": ("uint32", 7),
    "general.alignment": ("uint32", 32),
    "llama.block_count": ("uint32", 2),
    "llama.context_length": ("uint32", 2048),
    "llama.embedding_length": ("uint64", 64),
    "llama.attention.head_count": ("array", [4, 4]),
    "llama.attention.head_count_kv": ("uint32", 2),
    "llama.attention.sliding_window": ("int32", 512),
    "llama.expert_count": ("uint32", 0),
    "llama.rope.freq_base": ("float32", 10000.0),
    "tokenizer.ggml.model": ("string", "gpt2"),
    "tokenizer.ggml.tokens": ("array", [f"tok{i}" for i in range(40)]),  # skipped string by string
    "tokenizer.ggml.scores": ("array", [0.5] * 40),
    "test.short_strings": ("array", ["a", "bc"]),  # kept
    "test.nested": ("array", [[1, 2], [3]]),  # an array of arrays
}
TINY_TENSORS = [
    ("token_embd.weight", (32, 64), "Q8_0"),
    ("blk.0.attn_q.weight", (64, 64), "Q8_0"),
    ("blk.0.attn_norm.weight", (64,), "F32"),
    ("blk.1.attn_q.weight", (64, 64), "Q8_0"),
    ("output.weight", (32, 64), "Q8_0"),
]

_SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_INTEGER_TYPES = {0, 1, 2, 3, 4, 5, 10, 11}


def gguf_fields(data: bytes) -> tuple[list[tuple[int, int, str]], int]:
    """Every count, length, type and integer field of a valid little-endian GGUF header, and its end.

    An independent walk of the layout (ggml docs/gguf.md), so the damage lands on real fields.
    """
    fields = [(4, 4, "version"), (8, 8, "tensor count"), (16, 8, "metadata count")]
    n_tensors, n_kv = struct.unpack_from("<QQ", data, 8)
    pos = 24

    def u32(at: int) -> int:
        return struct.unpack_from("<I", data, at)[0]

    def u64(at: int) -> int:
        return struct.unpack_from("<Q", data, at)[0]

    def string(what: str) -> str:
        nonlocal pos
        fields.append((pos, 8, f"length of {what}"))
        n = u64(pos)
        text = data[pos + 8 : pos + 8 + n].decode()
        pos += 8 + n
        return text

    def value(type_id: int, what: str) -> None:
        nonlocal pos
        if type_id in _SCALAR_SIZES:
            if type_id in _INTEGER_TYPES:
                fields.append((pos, _SCALAR_SIZES[type_id], f"value of {what}"))
            pos += _SCALAR_SIZES[type_id]
        elif type_id == 8:
            string(what)
        else:
            fields.append((pos, 4, f"item type of {what}"))
            fields.append((pos + 4, 8, f"length of array {what}"))
            item_type, count = u32(pos), u64(pos + 4)
            pos += 12
            for i in range(count):
                value(item_type, f"{what}[{i}]")

    for _ in range(n_kv):
        key = string("a key")
        fields.append((pos, 4, f"value type of {key}"))
        type_id = u32(pos)
        pos += 4
        value(type_id, key)
    for _ in range(n_tensors):
        name = string("a tensor name")
        fields.append((pos, 4, f"dimension count of {name}"))
        dims = u32(pos)
        pos += 4
        for d in range(dims):
            fields.append((pos, 8, f"dimension {d} of {name}"))
            pos += 8
        fields.append((pos, 4, f"type of {name}"))
        fields.append((pos + 4, 8, f"data offset of {name}"))
        pos += 12
    return fields, pos


def hostile_number(rng: random.Random, width: int, size: int) -> int:
    top = 2 ** (8 * width) - 1
    choices = [0, 1, 2, 3, 7, 64, 255, top, top - 1, top // 2, top // 2 + 1, rng.randrange(top + 1)]
    if width >= 4:
        choices += [65_535, 65_536, 99_999, 2**31 - 1, 2**32 - 1]
    if width == 8:
        choices += [size, size - 1, size + 1, size // 8, 2**40, 2**48, 2**62, 2**63, 2**64 - 1]
    return rng.choice([c for c in choices if 0 <= c <= top])


def damage_bytes(rng: random.Random, data: bytes, header_end: int) -> tuple[str, bytes]:
    """Flip, insert, duplicate or cut bytes, mostly within the header."""
    kind = rng.choice(["flip", "flip", "insert", "duplicate", "truncate"])
    end = max(header_end, 9)
    out = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(end)] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    elif kind == "insert":
        at = rng.randrange(end)
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif kind == "duplicate":
        at = rng.randrange(end)
        out[at:at] = out[at : at + rng.randint(1, 256)]
    else:
        del out[rng.randrange(len(out)) :]
    return kind, bytes(out)


def gguf_cases(data: bytes, n: int, seed: int, *, split: bool = False):
    """(what, damaged bytes): huge values at every field, then byte damage."""
    rng = random.Random(seed)
    fields, header_end = gguf_fields(data)
    split_fields = [f for f in fields if "split." in f[2]]
    for i in range(n):
        if i < 2 * len(fields) or rng.random() < 0.5:
            at, width, what = fields[i // 2] if i < 2 * len(fields) else rng.choice(fields)
            if split and split_fields and rng.random() < 0.3:
                at, width, what = rng.choice(split_fields)
            number = hostile_number(rng, width, len(data))
            yield f"{what} = {number}", data[:at] + number.to_bytes(width, "little") + data[at + width :]
        else:
            kind, damaged = damage_bytes(rng, data, header_end)
            yield kind, damaged


# --------------------------------------------------------------------------- GGUF


@pytest.fixture(scope="module")
def gguf_base(tmp_path_factory) -> bytes:
    path = write_gguf(tmp_path_factory.mktemp("base") / "Tiny-Llama-Q8_0.gguf", TINY_META, TINY_TENSORS)
    assert inspect(path).parameters == 32 * 64 * 2 + 64 * 64 * 2 + 64  # the undamaged file reads
    return path.read_bytes()


def test_walker_finds_every_field(gguf_base):
    fields, end = gguf_fields(gguf_base)
    whats = [w for _, _, w in fields]
    assert "length of array tokenizer.ggml.tokens" in whats
    assert "length of array test.nested[0]" in whats
    assert "value of llama.block_count" in whats and "data offset of output.weight" in whats
    assert end <= len(gguf_base) and len(fields) > 100


def test_damaged_gguf_files(tmp_path, gguf_base):
    figures = Figures("GGUF")
    path = tmp_path / "Tiny-Llama-Q8_0.gguf"
    for i, (what, damaged) in enumerate(gguf_cases(gguf_base, 600, seed=20240901)):
        path.write_bytes(damaged)
        figures.probe(path, what)
        if i % 40 == 0:
            cli_line(path)
    print(figures.report())
    assert (
        figures.read > 20 and figures.errors > 100
    )  # the damage reached the reader, and not all of it broke it
    reasons = " | ".join(figures.messages)
    for expected in ("impossible for a file of", "past the end of the file", "appears twice", "unknown"):
        assert expected in reasons, expected


def test_damaged_split_gguf(tmp_path):
    """A split model whose first part is damaged, its split.count and split.no above all."""
    meta = {
        **TINY_META,
        "split.no": ("uint16", 0),
        "split.count": ("uint16", 2),
        "split.tensors.count": ("int32", 5),
    }
    first = write_gguf(tmp_path / "Tiny-Llama-Q8_0-00001-of-00002.gguf", meta, TINY_TENSORS[:3])
    second_meta = {
        "split.no": ("uint16", 1),
        "split.count": ("uint16", 2),
        "split.tensors.count": ("int32", 5),
    }
    write_gguf(tmp_path / "Tiny-Llama-Q8_0-00002-of-00002.gguf", second_meta, TINY_TENSORS[3:])
    whole = inspect(first)
    assert len(whole.files) == 2 and whole.mismatches == ()
    data = first.read_bytes()
    figures = Figures("split GGUF")
    shard_mismatches = 0
    for what, damaged in gguf_cases(data, 300, seed=77, split=True):
        first.write_bytes(damaged)
        result = figures.probe(first, what)
        if isinstance(result, Inspection) and any(m.field == "shard" for m in result.mismatches):
            shard_mismatches += 1
            assert len(result.files) <= 2, what  # the parts come from the name, never from split.count
    print(figures.report(), f"{shard_mismatches} shard mismatches")
    assert shard_mismatches > 5


# --------------------------------------------------------------------------- safetensors


ST_TENSORS = {
    "model.embed_tokens.weight": ((64, 16), np.float16),
    "model.layers.0.self_attn.q_proj.weight": ((16, 16), np.float16),
    "model.layers.0.mlp.up_proj.weight": ((32, 16), np.float16),
    "model.norm.weight": ((16,), np.float32),
}
HOLE = "\x00HOLE\x00"

# JSON text put where a value (or a whole entry) is expected
FRAGMENTS = [
    "1" + "0" * 5000,  # Python's int() refuses 4,300 digits
    "9" * 41,
    "-" + "9" * 30,
    "18446744073709551616",  # 2^64
    "18446744073709551615",
    "4294967296",
    "-1",
    "1e400",
    "-1e400",
    "1.5",
    "1" + "0" * 600 + ".5",
    "NaN",
    "Infinity",
    "-Infinity",
    "true",
    "false",
    "null",
    '"F16"',
    '"\\ud800"',
    '"\\u001b]0;pwned\\u0007"',
    '"' + "x" * 100_000 + '"',
    "[]",
    "{}",
    "[0, 0]",
    "[1, 2, 3]",
    "[" * 100_000 + "]" * 100_000,
    "[" * 800 + "]" * 800,
    '{"a": ' * 50_000 + "1" + "}" * 50_000,
    "[" + ", ".join(["0"] * 100_000) + "]",
    "[" + ", ".join(["4294967296"] * 8) + "]",
    "[" + ", ".join(["18446744073709551615"] * 3) + "]",
    '{"dtype": "F16", "dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}',
]


def json_places(value, path=()):
    """Every place in a JSON value: (path, is_key)."""
    yield path, False
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*path, k), True
            yield from json_places(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from json_places(v, (*path, i))


def with_hole(value, path, is_key: bool, replacement: str):
    """``value`` serialized with the place at ``path`` replaced by raw JSON text (or a key by a string)."""
    if not path:
        return replacement
    copy = json.loads(json.dumps(value))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if is_key:
        parent[HOLE] = parent.pop(last)
        text = json.dumps(copy)
        return text.replace(
            json.dumps(HOLE), json.dumps(replacement) if not replacement.startswith('"') else replacement
        )
    parent[last] = HOLE
    return json.dumps(copy).replace(json.dumps(HOLE), replacement)


def json_cases(value, n: int, seed: int, extra: list[str] | None = None):
    """(what, JSON text): hostile fragments at every place, keys replaced, and text-level damage."""
    rng = random.Random(seed)
    places = list(json_places(value))
    fragments = FRAGMENTS + (extra or [])
    text = json.dumps(value)
    for i in range(n):
        roll = rng.random()
        if roll < 0.75:
            path, is_key = places[i % len(places)] if i < len(places) else rng.choice(places)
            if is_key:
                key = rng.choice(
                    ['"\\ud800x"', '"\\u0000"', '"' + "k" * 70_000 + '"', '"__metadata__"', '"a\\nb"']
                )
                yield f"key at {path}", with_hole(value, path, True, key)
            else:
                fragment = rng.choice(fragments)
                yield f"{fragment[:20]} at {path}", with_hole(value, path, False, fragment)
        elif roll < 0.85:  # a key given twice: the first entry copied after itself
            body = text[1:-1]
            first = body.split(", ", 1)[0] if body else ""
            yield "duplicate key", "{" + first + ", " + body + "}"
        else:
            kind, damaged = damage_bytes(rng, text.encode(), len(text))
            yield kind, damaged.decode("utf-8", "replace")


def st_file(path: Path, header_text: str | bytes, data: bytes) -> None:
    raw = header_text.encode("utf-8", "surrogatepass") if isinstance(header_text, str) else header_text
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)


@pytest.fixture(scope="module")
def st_base(tmp_path_factory) -> tuple[dict, bytes]:
    """(header, data section) of a file written by the safetensors package."""
    path = tmp_path_factory.mktemp("st") / "Tiny-F16.safetensors"
    save_file(
        {k: np.zeros(shape, dtype=dt) for k, (shape, dt) in ST_TENSORS.items()},
        str(path),
        metadata={"format": "pt"},
    )
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    assert inspect(path).parameters == 64 * 16 + 16 * 16 + 32 * 16 + 16
    return json.loads(raw[8 : 8 + n]), raw[8 + n :]


def test_damaged_safetensors_headers(tmp_path, st_base):
    header, data = st_base
    figures = Figures("safetensors")
    path = tmp_path / "Tiny-F16.safetensors"
    for i, (what, text) in enumerate(json_cases(header, 500, seed=4242)):
        st_file(path, text, data)
        figures.probe(path, what)
        if i % 40 == 0:
            cli_line(path)
    print(figures.report())
    assert figures.read > 10 and figures.errors > 150
    reasons = " | ".join(figures.messages)
    for expected in (
        "nested more than",
        "characters long, too long for any count",
        "not valid JSON",
        "invalid shape",
    ):
        assert expected in reasons, expected


def test_damaged_safetensors_length_and_bytes(tmp_path, st_base):
    header, data = st_base
    text = json.dumps(header).encode()
    good = struct.pack("<Q", len(text)) + text + data
    rng = random.Random(31)
    figures = Figures("safetensors bytes")
    path = tmp_path / "Tiny-F16.safetensors"
    lengths = [
        0,
        1,
        7,
        8,
        len(text) - 1,
        len(text) + 1,
        len(good) - 8,
        len(good) - 7,
        25_000_001,
        2**63,
        2**64 - 1,
    ]
    for n in lengths:
        path.write_bytes(struct.pack("<Q", n) + good[8:])
        figures.probe(path)
    for _ in range(250):
        _, damaged = damage_bytes(rng, good, 8 + len(text))
        path.write_bytes(damaged)
        figures.probe(path)
    print(figures.report())
    assert figures.errors > 100


# --------------------------------------------------------------------------- index.json and config.json


CONFIG = {
    "model_type": "llama",
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "hidden_size": 64,
    "max_position_embeddings": 4096,
    "vocab_size": 64,
    "text_config": {"num_hidden_layers": 2, "num_attention_heads": 4, "hidden_size": 64},
}


@pytest.fixture()
def sharded(tmp_path, st_base) -> tuple[Path, dict]:
    """A two-shard folder with its index and config.json; (folder, index)."""
    folder = tmp_path / "Tiny-Llama"
    folder.mkdir()
    names = list(ST_TENSORS)
    weight_map = {}
    for part, chosen in enumerate((names[:2], names[2:]), start=1):
        shard = f"model-0000{part}-of-00002.safetensors"
        save_file(
            {k: np.zeros(ST_TENSORS[k][0], dtype=ST_TENSORS[k][1]) for k in chosen}, str(folder / shard)
        )
        weight_map.update(dict.fromkeys(chosen, shard))
    index = {"metadata": {"total_size": 2048 + 512 + 1024 + 64}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    (folder / "config.json").write_text(json.dumps(CONFIG))
    info = inspect(folder)
    assert info.parameters == 64 * 16 + 16 * 16 + 32 * 16 + 16 and info.notes == ()
    assert info.kv_cache_bytes_per_token == 2 * 4 * 16 * 2 * 2  # text_config: 2 layers × 4 heads of 16
    return folder, index


SHARD_NAMES = [
    '"../escape.safetensors"',
    '"a/b"',
    '"\\u0000"',
    '""',
    '".."',
    '"\\ud800"',
    '"' + "n" * 300 + '"',
]


def test_damaged_index(sharded):
    folder, index = sharded
    figures = Figures("index.json")
    path = folder / "model.safetensors.index.json"
    for what, text in json_cases(index, 250, seed=9, extra=SHARD_NAMES):
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        figures.probe(
            folder, offset_required=not what.startswith(("truncate", "flip", "insert", "duplicate"))
        )
    many = {"weight_map": {f"t{i}": f"model-{i:06d}.safetensors" for i in range(20_000)}}
    path.write_text(json.dumps(many))
    assert "names more than 10,000 shard files" in str(figures.probe(folder))
    million = '{"weight_map": {' + ", ".join(f'"t{i}": "m{i}"' for i in range(1_000_000)) + "}}"
    path.write_text(million)
    assert "holds more than 524,288 items" in str(figures.probe(folder))
    print(figures.report())
    assert figures.read > 10 and figures.errors > 50


def test_damaged_config(sharded):
    folder, _ = sharded
    figures = Figures("config.json")
    path = folder / "config.json"
    unreadable = 0
    for _, text in json_cases(CONFIG, 250, seed=5):
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = figures.probe(folder)
        assert isinstance(result, Inspection)  # a broken config.json is a note, never the whole answer
        unreadable += any(
            n.startswith("config.json beside the weights could not be read") for n in result.notes
        )
        assert result.kv_cache_bytes_per_token is None or result.kv_cache_bytes_per_token < 2**60
    print(figures.report(), f"{unreadable} unreadable")
    assert unreadable > 10


# --------------------------------------------------------------------------- the cases the issue reported


def test_split_count_of_four_billion_reads_the_parts_the_name_gives(tmp_path):
    meta = {**TINY_META, "split.no": ("uint16", 0), "split.count": ("uint32", 2**32 - 1)}
    path = write_gguf(tmp_path / "Tiny-Llama-Q8_0-00001-of-00002.gguf", meta, TINY_TENSORS)
    start = time.perf_counter()
    info = inspect(path)
    assert time.perf_counter() - start < 2
    assert [(m.field, m.name_says, m.file_says) for m in info.mismatches] == [
        ("shard", "part 1 of 2", "part 1 of 4294967295")
    ]
    assert info.notes[0].startswith(
        "part 1 of 2; missing beside it: Tiny-Llama-Q8_0-00002-of-00002.gguf — parameters and sizes"
    )
    # the largest count a name can give: five digits; the folder is listed once, not probed 99,999 times
    big = path.rename(tmp_path / "Tiny-Llama-Q8_0-00001-of-99999.gguf")
    start = time.perf_counter()
    info = inspect(big)
    assert time.perf_counter() - start < 2
    assert "missing beside it: 99,998 parts (Tiny-Llama-Q8_0-00002-of-99999.gguf," in info.notes[0]
    assert info.shard_total == 2**32 - 1 and len(info.files) == 1


def test_split_part_in_the_folder_that_is_not_a_file_names_it(tmp_path):
    meta = {**TINY_META, "split.no": ("uint16", 0), "split.count": ("uint16", 2)}
    path = write_gguf(tmp_path / "Tiny-Llama-Q8_0-00001-of-00002.gguf", meta, TINY_TENSORS)
    os.mkfifo(tmp_path / "Tiny-Llama-Q8_0-00002-of-00002.gguf")
    with pytest.raises(
        InspectError,
        match="Tiny-Llama-Q8_0-00002-of-00002.gguf, another part of this model: not a regular file but a FIFO",
    ):
        inspect(path)


def test_safetensors_header_nested_100000_deep(tmp_path):
    path = tmp_path / "Deep-F16.safetensors"
    st_file(path, '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", b"")
    with pytest.raises(InspectError) as caught:
        inspect(path)
    # the 101st bracket: 8 length bytes, '{"a": ' and '{' counts as the first level
    assert str(caught.value) == "the JSON header is nested more than 100 levels deep (at byte offset 113)"
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"modelname: cannot read {path}: {caught.value}\n"
    assert "Traceback" not in result.output
    as_json = CliRunner().invoke(cli, ["inspect", "--json", str(path)])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout) == {"path": str(path), "error": str(caught.value), "offset": 113}


def test_shape_integer_of_5000_digits(tmp_path):
    path = tmp_path / "Huge-F16.safetensors"
    header = '{"a": {"dtype": "F16", "shape": [' + "7" * 5000 + '], "data_offsets": [0, 2]}}'
    st_file(path, header, b"\0\0")
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert caught.value.reason == "the JSON header has a number 5,000 characters long, too long for any count"
    assert caught.value.offset == 8 + header.index("7")


def test_index_and_config_go_through_the_same_reader(sharded):
    folder, _ = sharded
    (folder / "config.json").write_text('{"num_hidden_layers": ' + "[" * 100_000)
    info = inspect(folder)
    assert info.notes == (
        "config.json beside the weights could not be read: "
        "config.json is nested more than 100 levels deep (at byte offset 121)",
    )
    flat = {k: v for k, v in CONFIG.items() if k != "text_config"}
    (folder / "config.json").write_text(json.dumps({**flat, "num_hidden_layers": 10**12}))
    info = inspect(folder)
    assert info.layers == 10**12 and info.kv_cache_bytes_per_token is None
    assert (
        info.kv_cache_why
        == "config.json gives an implausible shape (1,000,000,000,000 layers, 2 KV heads of 16)"
    )
    (folder / "model.safetensors.index.json").write_text('{"weight_map": {"a": ' + "9" * 5000 + "}}")
    with pytest.raises(InspectError) as caught:
        inspect(folder)
    assert caught.value.reason == "the index has a number 5,000 characters long, too long for any count"
    assert caught.value.offset == 21


# --------------------------------------------------------------------------- JSON that is valid but wrong


def _one_tensor(path: Path, entry: str, data: bytes = b"\0" * 8, extra: str = "") -> Path:
    st_file(path, '{"a.weight": ' + entry + extra + "}", data)
    return path


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            '{"dtype": "F16", "shape": [NaN], "data_offsets": [0, 2]}',
            "tensor 'a.weight' has an invalid shape [nan]",
        ),
        ('{"dtype": "F16", "shape": [Infinity], "data_offsets": [0, 2]}', "invalid shape [inf]"),
        ('{"dtype": "F16", "shape": [1e308], "data_offsets": [0, 2]}', "invalid shape [1e+308]"),
        ('{"dtype": "F16", "shape": [true], "data_offsets": [0, 2]}', "invalid shape [True]"),
        ('{"dtype": "F16", "shape": [-1], "data_offsets": [0, 2]}', "invalid shape [-1]"),
        ('{"dtype": "F16", "shape": [1], "data_offsets": [false, 2]}', "invalid data_offsets [False, 2]"),
        ('{"dtype": "F16", "shape": [1], "data_offsets": [4, 2]}', "invalid data_offsets [4, 2]"),
        ('{"dtype": ["F16"], "shape": [1], "data_offsets": [0, 2]}', "unknown dtype ['F16']"),
        (
            '{"dtype": "F16", "shape": [4294967296, 4294967296, 2], "data_offsets": [0, 2]}',
            "more than 2^64 elements",
        ),
        ("[1, 2]", "tensor 'a.weight': its header entry is not an object"),
    ],
)
def test_values_of_the_wrong_kind(tmp_path, entry, message):
    with pytest.raises(InspectError) as caught:
        inspect(_one_tensor(tmp_path / "Tiny-F16.safetensors", entry))
    assert message in caught.value.reason
    assert caught.value.offset == 9  # where '"a.weight":' is


def test_metadata_must_be_strings_and_duplicates_are_noted(tmp_path):
    good = '{"dtype": "F16", "shape": [4], "data_offsets": [0, 8]}'
    for meta in ("[1, 2]", '{"format": 5}', '"pt"'):
        with pytest.raises(InspectError, match="__metadata__ is not an object of strings"):
            inspect(_one_tensor(tmp_path / "Tiny-F16.safetensors", good, extra=', "__metadata__": ' + meta))
    twice = _one_tensor(tmp_path / "Twice-F16.safetensors", good, extra=', "a.weight": ' + good)
    info = inspect(twice)
    assert info.tensor_count == 1
    assert info.notes[0].startswith("the JSON header gives the key 'a.weight' twice in one object")
    odd = _one_tensor(
        tmp_path / "Odd-F16.safetensors",
        good,
        extra=', "__metadata__": {"format": "\\u001b[2J\\ud800", "\\u0007k": "v", "n": "' + "x" * 300 + '"}',
    )
    info = inspect(odd)
    assert info.metadata == {"format": "\\x1b[2J\\ud800", "\\x07k": "v"}  # escaped, and the long one left out
    assert (
        json.loads(CliRunner().invoke(cli, ["inspect", "--json", str(odd)]).stdout)["metadata"]
        == info.metadata
    )


def test_index_total_size_nan_and_metadata_weight_map(sharded):
    folder, index = sharded
    text = json.dumps(
        {"metadata": {"total_size": float("nan"), "weight_map": 5}, "weight_map": index["weight_map"]}
    )
    (folder / "model.safetensors.index.json").write_text(text)
    info = inspect(folder)
    assert info.parameters == 64 * 16 + 16 * 16 + 32 * 16 + 16 and info.notes == ()


def test_file_that_shrinks_while_being_read(tmp_path, gguf_base, st_base, monkeypatch):
    """fstat says more bytes than the file then gives: as if it were cut while inspect reads it."""
    real_open = inspect_module._open

    def stale_size(p):
        f, size = real_open(p)
        return f, size + 4096

    gguf_path = tmp_path / "Tiny-Llama-Q8_0.gguf"
    gguf_path.write_bytes(gguf_base[:200])
    header, data = st_base
    st_path = tmp_path / "Tiny-F16.safetensors"
    text = json.dumps(header).encode()
    st_path.write_bytes(struct.pack("<Q", len(text) + 100) + text)
    monkeypatch.setattr(inspect_module, "_open", stale_size)
    with pytest.raises(InspectError) as caught:
        inspect(gguf_path)
    assert "the file ended early" in caught.value.reason and caught.value.offset is not None
    with pytest.raises(InspectError) as caught:
        inspect(st_path)
    assert caught.value.reason == f"the file ended at {8 + len(text):,} bytes while its header was read"


# --------------------------------------------------------------------------- GGUF ceilings


def test_gguf_duplicate_key_and_tensor_name(tmp_path, gguf_base):
    data = gguf_base
    path = tmp_path / "Tiny-Llama-Q8_0.gguf"
    # the entry of llama.block_count (key length, key, value type, u32 value) copied before itself
    entry_start = data.index(b"llama.block_count") - 8
    entry = data[entry_start : entry_start + 8 + 17 + 4 + 4]
    body_start = 24
    kv_count = struct.unpack_from("<Q", data, 16)[0]
    doubled = (
        data[:16]
        + struct.pack("<Q", kv_count + 1)
        + data[body_start:entry_start]
        + entry
        + data[entry_start:]
    )
    path.write_bytes(doubled)
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert (
        caught.value.reason
        == "metadata key 'llama.block_count' appears twice (llama.cpp refuses such a file)"
    )
    assert caught.value.offset == entry_start + len(entry)
    names = data.replace(b"blk.1.attn_q.weight", b"blk.0.attn_q.weight", 1)
    path.write_bytes(names)
    with pytest.raises(InspectError, match="tensor name 'blk.0.attn_q.weight' appears twice"):
        inspect(path)


def test_gguf_work_and_memory_ceilings(tmp_path, gguf_base, monkeypatch):
    """The ceilings hold whatever the file's size: shown with lowered ceilings on a small file."""
    path = tmp_path / "Tiny-Llama-Q8_0.gguf"
    path.write_bytes(gguf_base)
    monkeypatch.setattr(_gguf_header, "MAX_ITEMS", 30)
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert caught.value.reason.startswith(
        "array 'tokenizer.ggml.tokens' takes the header past 30 array items"
    )
    monkeypatch.setattr(_gguf_header, "MAX_ITEMS", 1 << 22)
    monkeypatch.setattr(_gguf_header, "MAX_KEPT", 4000)
    with pytest.raises(InspectError, match="take more than 0 MiB"):
        inspect(path)
    monkeypatch.setattr(_gguf_header, "MAX_KEPT", 32 << 20)
    monkeypatch.setattr(_gguf_header, "MAX_TENSORS", 4)
    with pytest.raises(InspectError, match="tensor count 5 is impossible"):
        inspect(path)


def _many_tensors(path: Path, name_length: int) -> Path:
    """A GGUF file with the most tensors a header may have (F32, 32 elements, all at offset 0)."""
    n = _gguf_header.MAX_TENSORS
    name = b"t" * (name_length - 6)
    infos = b"".join(
        struct.pack("<Q", name_length) + name + b"%06d" % i + struct.pack("<IQIQ", 1, 32, 0, 0)
        for i in range(n)
    )
    body = b"GGUF" + struct.pack("<IQQ", 3, n, 0) + infos
    path.write_bytes(body + b"\0" * (-len(body) % 32 + 128))
    return path


_PEAK_RSS = """
import sys
from modelname._gguf_header import GGUFError, read_header
from modelname._inspect import _block_sizes

def status(field):
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith(field)).split()[1]) * 1024

blocks = _block_sizes()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets the peak RSS (VmHWM) to the current RSS
before = status("VmRSS")
with open(sys.argv[1], "rb") as f:
    try:
        header = read_header(f, f.seek(0, 2), block_sizes=blocks)
    except GGUFError:
        pass
print(status("VmHWM") - before)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux's peak RSS reset")
def test_gguf_with_65536_tensors_stays_within_bounds(tmp_path):
    """The most tensors a header may have: time and memory stay bounded, and long names hit the ceiling.

    tracemalloc makes a walk of 65,536 entries twenty times slower, so the time is measured alone
    and the header reader's memory as the growth of the peak RSS of a fresh process (Linux).
    """
    full = _many_tensors(tmp_path / "Many-F32.gguf", 64)  # llama.cpp's longest tensor name is 63 bytes
    start = time.perf_counter()
    info = inspect(full)
    seconds = time.perf_counter() - start
    assert seconds < MAX_SECONDS
    assert info.tensor_count == 65_536 and info.parameters == 32 * 65_536
    long_names = _many_tensors(tmp_path / "Long-F32.gguf", 400)
    with pytest.raises(InspectError) as caught:
        inspect(long_names)
    assert caught.value.reason == "the tensor names take more than 32 MiB"
    growth = [
        int(
            subprocess.run(
                [sys.executable, "-c", _PEAK_RSS, str(path)],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        )
        for path in (full, long_names)
    ]
    print(f"65,536 tensors: {seconds * 1000:.0f} ms, peak RSS growth {max(growth) / 2**20:.0f} MiB")
    assert max(growth) < 96 * 2**20


def test_control_characters_in_gguf_strings_are_escaped(tmp_path):
    meta = {**TINY_META, "general.name": ("string", "Evil\x1b]0;pwned\x07\x1b[2J")}
    path = write_gguf(tmp_path / "Tiny-Llama-Q8_0.gguf", meta, TINY_TENSORS)
    info = inspect(path)
    assert info.general_name == "Evil\\x1b]0;pwned\\x07\\x1b[2J"
    assert info.metadata["general.name"] == info.general_name
    output = CliRunner().invoke(cli, ["inspect", str(path)]).output
    assert "\x1b" not in output and "\x07" not in output


# --------------------------------------------------------------------------- paths that are not files


def _within(seconds: float, fn):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) when it does not finish in time."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - handed to the test
            box["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def test_fifo_device_directory_and_loops_never_hang(tmp_path):
    fifo = tmp_path / "Model-Q4_K_M.gguf"
    os.mkfifo(fifo)
    try:
        with pytest.raises(InspectError, match="not a regular file but a FIFO"):
            _within(5, lambda: inspect(fifo))
    finally:
        # if the reader did block on the FIFO, a writer releases it
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
    with pytest.raises(InspectError, match="not a regular file but a character device"):
        _within(5, lambda: inspect("/dev/zero"))
    folder = tmp_path / "x.gguf"
    folder.mkdir()
    with pytest.raises(InspectError, match="the folder holds no .gguf or .safetensors file"):
        inspect(folder)
    (folder / "inner.gguf").mkdir()
    with pytest.raises(InspectError, match="not a regular file but a directory"):
        inspect(folder)
    loop = tmp_path / "loop.gguf"
    loop.symlink_to(loop)
    with pytest.raises(InspectError, match="cannot open: Too many levels of symbolic links"):
        inspect(loop)
    with pytest.raises(InspectError, match="not a usable path: embedded null byte"):
        inspect("model\0.gguf")
    with pytest.raises(InspectError, match="cannot open: File name too long"):
        inspect(tmp_path / ("m" * 300 + ".gguf"))
    for path in (fifo, "/dev/zero", loop):
        result = CliRunner().invoke(cli, ["inspect", str(path)])
        assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path, gguf_base):
    path = tmp_path / "Tiny-Llama-Q8_0.gguf"
    path.write_bytes(gguf_base)
    path.chmod(0)
    with pytest.raises(InspectError, match="cannot open: Permission denied"):
        inspect(path)


def test_open_refused_by_the_system(tmp_path, gguf_base, monkeypatch):
    """The same as an unreadable file, for root too: the system's refusal becomes the reason."""
    path = tmp_path / "Tiny-Llama-Q8_0.gguf"
    path.write_bytes(gguf_base)
    real_open = os.open

    def refuse(target, *args, **kwargs):
        if Path(target) == path:
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(target, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert str(caught.value) == "cannot open: Permission denied" and caught.value.path == str(path)
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"modelname: cannot read {path}: cannot open: Permission denied\n"


def test_zip_whose_table_of_contents_is_too_big(tmp_path):
    path = tmp_path / "pytorch_model.bin"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        z.writestr("archive/data/0", b"\0" * 16)
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 12, 2**31)  # the directory's size
    path.write_bytes(bytes(data))
    with pytest.raises(InspectError, match="table of contents claims 2,147,483,648 bytes"):
        inspect(path)


def test_error_record():
    err = InspectError("m.gguf", "bad", 12)
    assert str(err) == "bad (at byte offset 12)"
    assert err.to_dict() == {
        "error": "InspectError",
        "path": "m.gguf",
        "reason": "bad",
        "offset": 12,
        "message": "bad (at byte offset 12)",
    }
    assert modelname.InspectError is InspectError
