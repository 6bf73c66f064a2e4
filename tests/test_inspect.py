"""modelname.inspect on real small files: GGUF written by gguf.GGUFWriter, safetensors written by the
safetensors package and by hand, PyTorch-style archives, and corrupted copies of each."""

from __future__ import annotations

import json
import math
import os
import pickle
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import modelname
from modelname._inspect import InspectError, Mismatch, inspect
from modelname.cli import cli

np = pytest.importorskip("numpy")
gguf = pytest.importorskip("gguf")
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFReader, GGUFWriter

# --------------------------------------------------------------------------- builders


def write_gguf(path, arch, tensors, meta=None, *, ftype=None, sparse=True, split_max_tensors=0):
    """A GGUF file with these tensors ((name, numpy-order shape, type name)) and metadata.

    sparse=True writes the header with GGUFWriter and extends the file with zeros (a sparse file),
    so a 135M-parameter model costs a few kilobytes of disk; sparse=False writes real tensor data.
    """
    w = GGUFWriter(str(path), arch, split_max_tensors=split_max_tensors)
    for key, (kind, value) in (meta or {}).items():
        if kind == "array":
            w.add_array(key, value)
        else:
            getattr(w, f"add_{kind}")(key, value)
    if ftype is not None:
        w.add_file_type(ftype)
    for name, shape, type_name in tensors:
        qtype = GGMLQuantizationType[type_name]
        block, size = GGML_QUANT_SIZES[qtype]
        nbytes = math.prod(shape) // block * size
        if sparse:
            w.add_tensor_info(name, shape, np.dtype(np.float32), nbytes, raw_dtype=qtype)
        elif type_name == "F32":
            w.add_tensor(name, np.arange(math.prod(shape), dtype=np.float32).reshape(shape))
        elif type_name == "F16":
            w.add_tensor(name, np.ones(shape, dtype=np.float16))
        else:
            raw = np.zeros((*shape[:-1], shape[-1] // block * size), dtype=np.uint8)
            w.add_tensor(name, raw, raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    if sparse:
        w.write_ti_data_to_file()
        for fout, infos in zip(w.fout, w.tensors):
            start = -(-fout.tell() // 32) * 32
            fout.truncate(start + sum(-(-ti.nbytes // 32) * 32 for ti in infos.values()))
    else:
        w.write_tensors_to_file()
    w.close()
    return Path(path)


def smollm_tensors(weight_type="Q8_0", layers=30):
    """SmolLM2-135M's tensor shapes (hidden 576, 9 heads / 3 KV heads, FFN 1536, vocab 49152, tied)."""
    t = [("token_embd.weight", (49152, 576), weight_type)]
    for i in range(layers):
        b = f"blk.{i}."
        t += [
            (b + "attn_norm.weight", (576,), "F32"),
            (b + "attn_q.weight", (576, 576), weight_type),
            (b + "attn_k.weight", (192, 576), weight_type),
            (b + "attn_v.weight", (192, 576), weight_type),
            (b + "attn_output.weight", (576, 576), weight_type),
            (b + "ffn_norm.weight", (576,), "F32"),
            (b + "ffn_gate.weight", (1536, 576), weight_type),
            (b + "ffn_up.weight", (1536, 576), weight_type),
            (b + "ffn_down.weight", (576, 1536), weight_type),
        ]
    return t + [("output_norm.weight", (576,), "F32")]


SMOLLM_PARAMS = 134_515_008  # SmolLM2-135M's real count: embeddings 28,311,552 + 30 × 3,540,096 + 576
SMOLLM_META = {
    "general.name": ("string", "SmolLM2 135M Instruct"),
    "general.size_label": ("string", "135M"),
    "llama.block_count": ("uint32", 30),
    "llama.context_length": ("uint32", 8192),
    "llama.embedding_length": ("uint32", 576),
    "llama.feed_forward_length": ("uint32", 1536),
    "llama.attention.head_count": ("uint32", 9),
    "llama.attention.head_count_kv": ("uint32", 3),
    "tokenizer.ggml.model": ("string", "gpt2"),
    "tokenizer.ggml.tokens": ("array", [f"tok{i}" for i in range(49152)]),
    "tokenizer.chat_template": ("string", "{% for m in messages %}" + "x" * 100_000 + "{% endfor %}"),
}
SMOLLM_KV_PER_TOKEN = 30 * 3 * (64 + 64) * 2  # 23,040


def smollm(tmp_path, name="SmolLM2-135M-Instruct-Q8_0.gguf", weight_type="Q8_0", ftype=7, meta=None):
    return write_gguf(
        tmp_path / name, "llama", smollm_tensors(weight_type), {**SMOLLM_META, **(meta or {})}, ftype=ftype
    )


def tiny_llama(path, *, sparse=False, ftype=None, meta=None):
    """Two layers, every tensor type the tests need: F32 norms, F16 embeddings, Q8_0 and Q4_0 matrices."""
    tensors = [("token_embd.weight", (32, 64), "F16")]
    for i in range(2):
        tensors += [
            (f"blk.{i}.attn_norm.weight", (64,), "F32"),
            (f"blk.{i}.attn_q.weight", (64, 64), "Q8_0"),
            (f"blk.{i}.attn_k.weight", (32, 64), "Q8_0"),
            (f"blk.{i}.attn_v.weight", (32, 64), "Q8_0"),
            (f"blk.{i}.ffn_up.weight", (128, 64), "Q4_0"),
            (f"blk.{i}.ffn_down.weight", (64, 128), "Q4_0"),
        ]
    tensors.append(("output.weight", (32, 64), "Q8_0"))
    base = {
        "llama.block_count": ("uint32", 2),
        "llama.context_length": ("uint32", 2048),
        "llama.embedding_length": ("uint32", 64),
        "llama.attention.head_count": ("uint32", 4),
        "llama.attention.head_count_kv": ("uint32", 2),
    }
    return write_gguf(path, "llama", tensors, {**base, **(meta or {})}, ftype=ftype, sparse=sparse)


TINY_PARAMS = 32 * 64 + 2 * (64 + 64 * 64 + 2 * 32 * 64 + 2 * 128 * 64) + 32 * 64  # 53,376
TINY_BYTES = (
    32 * 64 * 2  # F16
    + 2 * 64 * 4  # F32 norms
    + (2 * (64 * 64 + 2 * 32 * 64) + 32 * 64) // 32 * 34  # Q8_0
    + 2 * 2 * 128 * 64 // 32 * 18  # Q4_0
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --------------------------------------------------------------------------- GGUF: what the file holds


def test_smollm_shaped_gguf_exact_counts(tmp_path):
    path = smollm(tmp_path)
    info = inspect(path)
    assert info.format == "gguf" and info.format_version == 3
    assert info.parameters == SMOLLM_PARAMS
    assert info.tensor_count == 272
    assert info.architecture == "llama"
    assert (info.general_name, info.size_label) == ("SmolLM2 135M Instruct", "135M")
    assert (info.file_type, info.file_type_id) == ("Q8_0", 7)
    assert (info.context_length, info.layers, info.attention_heads, info.kv_heads) == (8192, 30, 9, 3)
    assert (info.key_length, info.value_length, info.embedding_length) == (64, 64, 576)
    assert info.vocab_size == 49152
    assert info.kv_cache_bytes_per_token == SMOLLM_KV_PER_TOKEN
    assert [(t.type, t.tensors, t.parameters) for t in info.tensor_types] == [
        ("Q8_0", 211, 134_479_872),
        ("F32", 61, 35_136),
    ]
    assert info.weight_bytes == 134_479_872 // 32 * 34 + 35_136 * 4
    assert info.bits_per_weight == round(info.weight_bytes * 8 / SMOLLM_PARAMS, 4)
    assert info.role == "model"
    assert info.mismatches == ()
    assert "tokenizer.chat_template" not in info.metadata  # long strings are skipped, not kept
    # the gguf package's own reader agrees
    reader = GGUFReader(path)
    assert sum(int(t.n_elements) for t in reader.tensors) == info.parameters
    assert sum(int(t.n_bytes) for t in reader.tensors) == info.weight_bytes
    assert len(reader.tensors) == info.tensor_count


def test_real_data_gguf_with_several_tensor_types(tmp_path):
    path = tiny_llama(tmp_path / "Tiny-Llama-Q8_0.gguf", ftype=7)
    info = inspect(path)
    assert info.parameters == TINY_PARAMS == 53_376
    assert info.weight_bytes == TINY_BYTES
    assert {t.type: t.tensors for t in info.tensor_types} == {"Q8_0": 7, "Q4_0": 4, "F16": 1, "F32": 2}
    assert info.kv_cache_bytes_per_token == 2 * 2 * (16 + 16) * 2
    reader = GGUFReader(path)
    assert sum(int(t.n_bytes) for t in reader.tensors) == TINY_BYTES
    assert {t.name: int(t.data_offset) for t in reader.tensors}  # the file is one gguf itself can read


def test_memory_estimate_from_the_header_is_exact(tmp_path):
    info = inspect(smollm(tmp_path))
    est = info.estimate_memory(4096)
    assert est.weights.bytes == info.weight_bytes and est.weights.exact
    assert est.kv_cache.bytes == 4096 * SMOLLM_KV_PER_TOKEN and est.kv_cache.exact
    assert est.context_length == 4096
    assert est.total.bytes == info.weight_bytes + 4096 * SMOLLM_KV_PER_TOKEN + 2**30
    default = info.estimate_memory()
    assert default.context_length == 8192  # the default, within the header's 8192


def test_sliding_window_layers_from_a_gemma3_header(tmp_path):
    tensors = [(f"blk.{i}.attn_q.weight", (256, 256), "F16") for i in range(12)]
    meta = {
        "gemma3.block_count": ("uint32", 12),
        "gemma3.context_length": ("uint32", 131072),
        "gemma3.embedding_length": ("uint32", 256),
        "gemma3.attention.head_count": ("uint32", 4),
        "gemma3.attention.head_count_kv": ("uint32", 2),
        "gemma3.attention.key_length": ("uint32", 128),
        "gemma3.attention.value_length": ("uint32", 128),
        "gemma3.attention.sliding_window": ("uint32", 1024),
    }
    info = inspect(write_gguf(tmp_path / "gemma-3-tiny-F16.gguf", "gemma3", tensors, meta, ftype=1))
    per_layer = 2 * (128 + 128) * 2
    assert info.kv_cache_bytes_per_token == 12 * per_layer
    assert info.kv_cache_window_bytes_per_token == 10 * per_layer  # 5 of every 6 layers slide
    est = info.estimate_memory(8192)
    assert est.kv_cache.bytes == 2 * per_layer * 8192 + 10 * per_layer * 1024
    assert not est.kv_cache.exact  # llama.cpp pads the window cache


def test_split_gguf_is_read_with_its_other_parts(tmp_path):
    path = write_gguf(
        tmp_path / "SmolLM2-135M-Instruct-Q8_0.gguf",
        "llama",
        smollm_tensors(),
        SMOLLM_META,
        ftype=7,
        split_max_tensors=150,
    )
    first = tmp_path / "SmolLM2-135M-Instruct-Q8_0-00001-of-00002.gguf"
    second = tmp_path / "SmolLM2-135M-Instruct-Q8_0-00002-of-00002.gguf"
    assert not path.exists() and first.exists() and second.exists()
    info = inspect(first)
    assert info.files == (str(first), str(second))
    assert info.parameters == SMOLLM_PARAMS
    assert (info.shard_index, info.shard_total) == (1, 2)
    assert info.file_type == "Q8_0"
    assert info.mismatches == ()
    # the second part alone still finds the first (which holds the metadata)
    assert inspect(second).parameters == SMOLLM_PARAMS
    second.unlink()
    alone = inspect(first)
    assert alone.parameters < SMOLLM_PARAMS
    assert any("missing" in n for n in alone.notes)
    assert all(
        m.field != "parameters" for m in alone.mismatches
    )  # a part is not compared with the size label


def test_mmproj_and_role(tmp_path):
    tensors = [("v.patch_embd.weight", (1024, 64), "F16"), ("mm.0.weight", (512, 1024), "F16")]
    clip = write_gguf(
        tmp_path / "mmproj-Qwen2-VL-7B-Instruct-f16.gguf",
        "clip",
        tensors,
        {"clip.has_vision_encoder": ("bool", True)},
        ftype=1,
    )
    info = inspect(clip)
    assert info.role == "mmproj"
    assert info.mismatches == ()  # the 7B of a projector's name is its language model's: not compared
    assert info.estimate_memory().kv_cache.bytes == 0


# --------------------------------------------------------------------------- GGUF: names that lie

LIES = [
    ("SmolLM2-135M-Instruct-Q8_0.gguf", []),
    ("SmolLM2-135M-Instruct-Q8_0_L.gguf", []),  # a third-party mix on top of Q8_0 is not a lie
    ("SmolLM2-135M-Instruct-Q4_K_M.gguf", [("quantization", "Q4_K_M", "Q8_0 (general.file_type 7)")]),
    ("SmolLM2-1.7B-Instruct-Q8_0.gguf", [("parameters", "1.7B", "134,515,008 (135M)")]),
    (
        "Qwen2.5-0.5B-Instruct-Q8_0.gguf",
        [("parameters", "0.5B", "134,515,008 (135M)"), ("family", "Qwen", "llama (general.architecture)")],
    ),
    (
        "gemma-2-2b-it-Q8_0.gguf",
        [("parameters", "2B", "134,515,008 (135M)"), ("family", "Gemma", "llama (general.architecture)")],
    ),
    (
        "Qwen2.5-7B-Instruct-Q4_K_M.gguf",
        [
            ("quantization", "Q4_K_M", "Q8_0 (general.file_type 7)"),
            ("parameters", "7B", "134,515,008 (135M)"),
            ("family", "Qwen", "llama (general.architecture)"),
        ],
    ),
    ("Llama-3.2-135M-Instruct-Q8_0.gguf", []),
    ("DeepSeek-R1-Distill-Qwen-135M-Q8_0.gguf", [("family", "Qwen", "llama (general.architecture)")]),
    (
        "mmproj-SmolLM2-135M-f16.gguf",
        [
            ("quantization", "F16", "Q8_0 (general.file_type 7)"),
            ("role", "a multimodal projector", "a model"),
        ],
    ),
    ("SmolLM2-135M-Instruct-Q8_0-00001-of-00003.gguf", [("shard", "part 1 of 3", "a single, unsplit file")]),
]


@pytest.mark.parametrize(("name", "expected"), LIES)
def test_every_lying_name_is_caught(tmp_path, name, expected):
    info = inspect(smollm(tmp_path, name))
    assert [(m.field, m.name_says, m.file_says) for m in info.mismatches] == expected


def test_lying_name_in_json_output(tmp_path):
    path = smollm(tmp_path, "Qwen2.5-7B-Instruct-Q4_K_M.gguf")
    result = run("inspect", "--json", str(path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mismatches"] == [
        {"field": "quantization", "name_says": "Q4_K_M", "file_says": "Q8_0 (general.file_type 7)"},
        {"field": "parameters", "name_says": "7B", "file_says": "134,515,008 (135M)"},
        {"field": "family", "name_says": "Qwen", "file_says": "llama (general.architecture)"},
    ]
    assert data["parameters"] == SMOLLM_PARAMS
    truthful = json.loads(run("inspect", "--json", str(smollm(tmp_path))).output)
    assert truthful["mismatches"] == []


def test_text_output_says_each_mismatch_plainly(tmp_path):
    result = run("inspect", str(smollm(tmp_path, "Qwen2.5-7B-Instruct-Q4_K_M.gguf")))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Qwen2.5-7B-Instruct-Q4_K_M.gguf   GGUF v3 · llama · Q8_0 · 134,515,008 parameters"
    assert (
        "  MISMATCH   quantization: the name says Q4_K_M, the file says Q8_0 (general.file_type 7)" in lines
    )
    assert "  MISMATCH   parameters: the name says 7B, the file says 134,515,008 (135M)" in lines
    assert "  MISMATCH   family: the name says Qwen, the file says llama (general.architecture)" in lines
    ok = run("inspect", str(smollm(tmp_path))).output.splitlines()
    assert "  check      the name agrees with the file" in ok
    assert "  KV cache   23,040 bytes per token (30 layers × 3 KV heads × (64 + 64) dims × 2 bytes)" in ok


def test_file_type_missing_from_header_uses_the_tensor_mix(tmp_path):
    info = inspect(tiny_llama(tmp_path / "Tiny-Llama-Q4_K_M.gguf"))
    assert info.file_type is None
    assert [(m.field, m.file_says) for m in info.mismatches] == [
        ("quantization", "mostly Q4_0 tensors (no general.file_type)")
    ]
    assert "no general.file_type in the header; most weights are Q4_0" in info.notes
    assert inspect(tiny_llama(tmp_path / "Tiny-Llama-Q4_0.gguf")).mismatches == ()


def test_guessed_file_type_flag(tmp_path):
    info = inspect(smollm(tmp_path, ftype=7 | 1024))
    assert info.file_type == "Q8_0" and info.file_type_id == 7
    assert any("guessed" in n for n in info.notes)


# --------------------------------------------------------------------------- GGUF: corrupt files


def _patch(path: Path, offset: int, data: bytes) -> Path:
    with path.open("r+b") as f:
        f.seek(offset)
        f.write(data)
    return path


def _first_kv_offsets(path: Path) -> tuple[int, int]:
    """(offset of the first key's length, offset of its value type)."""
    key_len = struct.unpack("<Q", path.read_bytes()[24:32])[0]
    return 24, 32 + key_len


def _corrupt(kind: str, path: Path) -> tuple[str, int | None]:
    """Damage a copy of a good file; return the expected message fragment and offset."""
    size = path.stat().st_size
    if kind == "truncated":
        os.truncate(path, size - 1000)
        return (
            f"the file is truncated: tensor 'output.weight' needs bytes up to {size:,}, but the file ends at {size - 1000:,}",
            size - 1000,
        )
    if kind == "truncated-header":
        os.truncate(path, 100)
        return "needs", None
    if kind == "empty":
        os.truncate(path, 0)
        return "not a GGUF file: the first bytes are b''", 0
    if kind == "wrong-magic":
        _patch(path, 0, b"GGUX")
        return "not a GGUF file: the first bytes are b'GGUX', expected b'GGUF'", 0
    if kind == "version":
        _patch(path, 4, struct.pack("<I", 7))
        return "unsupported GGUF version 7", 4
    if kind == "tensor-count":
        _patch(path, 8, struct.pack("<Q", 2**40))
        return f"tensor count 1,099,511,627,776 is impossible for a file of {size:,} bytes", 8
    if kind == "kv-count":
        _patch(path, 16, struct.pack("<Q", 2**62))
        return "metadata count 4,611,686,018,427,387,904 is impossible", 16
    if kind == "string-length":
        at, _ = _first_kv_offsets(path)
        _patch(path, at, struct.pack("<Q", 2**50))
        return "key of metadata entry 0 claims 1,125,899,906,842,624 bytes, past the end of the file", at
    if kind == "value-type":
        _, at = _first_kv_offsets(path)
        _patch(path, at, struct.pack("<I", 99))
        return "unknown value type 99 for key 'general.architecture'", at
    raise AssertionError(kind)


CORRUPTIONS = [
    "truncated",
    "truncated-header",
    "empty",
    "wrong-magic",
    "version",
    "tensor-count",
    "kv-count",
    "string-length",
    "value-type",
]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corrupt_gguf_gives_one_error_with_the_offset(tmp_path, kind):
    path = tiny_llama(tmp_path / "Tiny-Llama-Q8_0.gguf", ftype=7)
    message, offset = _corrupt(kind, path)
    tracemalloc.start()
    try:
        with pytest.raises(InspectError) as caught:
            inspect(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    err = caught.value
    assert message in str(err)
    if offset is not None:
        assert err.offset == offset
        assert f"(at byte offset {offset:,})" in str(err)
    assert "\n" not in str(err)
    assert peak < 8 * 2**20  # bounded: no allocation from an absurd count or length
    result = run("inspect", str(path))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith(f"modelname: cannot read {path}: ")


def test_array_count_past_the_end(tmp_path):
    path = smollm(tmp_path)
    data = path.read_bytes()
    at = (
        data.index(b"tokenizer.ggml.tokens") + len("tokenizer.ggml.tokens") + 4 + 4
    )  # key, value type, item type
    assert struct.unpack("<Q", data[at : at + 8])[0] == 49152
    _patch(path, at, struct.pack("<Q", 2**45))
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert "array 'tokenizer.ggml.tokens' claims 35,184,372,088,832 items, which the" in str(caught.value)
    assert caught.value.offset == at


def test_too_many_dimensions_and_unknown_tensor_type(tmp_path):
    path = tiny_llama(tmp_path / "Tiny-Q8_0.gguf", ftype=7)
    data = path.read_bytes()
    name_at = data.index(b"token_embd.weight")
    dims_at = name_at + len("token_embd.weight")
    _patch(path, dims_at, struct.pack("<I", 7))
    with pytest.raises(
        InspectError, match=r"tensor 'token_embd.weight' has 7 dimensions \(GGUF allows 1 to 4\)"
    ):
        inspect(path)
    path = tiny_llama(tmp_path / "Tiny2-Q8_0.gguf", ftype=7)
    type_at = dims_at + 4 + 2 * 8
    _patch(path, type_at, struct.pack("<I", 99))
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert "tensor 'token_embd.weight' has unknown type id 99" in str(caught.value)
    assert caught.value.offset == type_at


def test_big_endian_gguf(tmp_path):
    w = GGUFWriter(str(tmp_path / "Tiny-BE-F32.gguf"), "llama", endianess=gguf.GGUFEndian.BIG)
    w.add_file_type(0)
    w.add_tensor(
        "t.weight", np.ones((4, 32), dtype=np.float32).byteswap(), raw_dtype=GGMLQuantizationType.F32
    )
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    info = inspect(tmp_path / "Tiny-BE-F32.gguf")
    assert info.parameters == 128 and info.file_type == "F32"
    assert "big-endian GGUF file" in info.notes


# --------------------------------------------------------------------------- safetensors


def test_safetensors_written_by_the_package(tmp_path):
    from safetensors.numpy import save_file

    tensors = {
        "model.embed_tokens.weight": np.zeros((100, 16), dtype=np.float16),
        "model.layers.0.self_attn.q_proj.weight": np.zeros((16, 16), dtype=np.float16),
        "model.norm.weight": np.zeros((16,), dtype=np.float32),
    }
    path = tmp_path / "Tiny-F16.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt"})
    info = inspect(path)
    assert info.format == "safetensors"
    assert info.parameters == 100 * 16 + 16 * 16 + 16 == 1872
    assert info.weight_bytes == 1856 * 2 + 16 * 4
    assert [(t.type, t.tensors, t.parameters) for t in info.tensor_types] == [
        ("F16", 2, 1856),
        ("F32", 1, 16),
    ]
    assert info.metadata == {"format": "pt"}
    assert info.mismatches == ()


def _write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]], *, pad: int = 0) -> Path:
    """Write a safetensors file by hand: 8-byte length, JSON header, zero data."""
    sizes = {"F16": 2, "BF16": 2, "F32": 4, "F8_E4M3": 1, "I32": 4}
    header, offset = {}, 0
    for name, (dtype, shape) in tensors.items():
        n = math.prod(shape) * sizes[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * (offset + pad))
    return path


def test_safetensors_by_hand_bf16_and_lies(tmp_path):
    tensors = {"a.weight": ("BF16", [64, 32]), "b.weight": ("BF16", [32, 32]), "n.weight": ("F32", [32])}
    info = inspect(_write_safetensors(tmp_path / "Tiny-BF16.safetensors", tensors))
    assert info.parameters == 64 * 32 + 32 * 32 + 32
    assert info.mismatches == ()
    fp8 = inspect(_write_safetensors(tmp_path / "Llama-3.1-8B-Instruct-FP8.safetensors", tensors))
    assert [(m.field, m.name_says, m.file_says) for m in fp8.mismatches] == [
        ("quantization", "FP8", "mostly BF16 (99% of elements)"),
        ("parameters", "8B", "3,104 (3.1K)"),
    ]


def test_sharded_safetensors_with_index_and_config(tmp_path):
    folder = tmp_path / "Qwen2.5-0.5B-Instruct"
    folder.mkdir()
    _write_safetensors(
        folder / "model-00001-of-00002.safetensors",
        {"e.weight": ("BF16", [1000, 64]), "l0.weight": ("BF16", [64, 64])},
    )
    _write_safetensors(
        folder / "model-00002-of-00002.safetensors",
        {"l1.weight": ("BF16", [64, 64]), "n.weight": ("F32", [64])},
    )
    index = {
        "metadata": {"total_size": (64000 + 4096 + 4096) * 2 + 64 * 4},
        "weight_map": {
            "e.weight": "model-00001-of-00002.safetensors",
            "l0.weight": "model-00001-of-00002.safetensors",
            "l1.weight": "model-00002-of-00002.safetensors",
            "n.weight": "model-00002-of-00002.safetensors",
        },
    }
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    (folder / "config.json").write_text(
        json.dumps(
            {
                "model_type": "llama",
                "num_hidden_layers": 24,
                "num_attention_heads": 14,
                "num_key_value_heads": 2,
                "hidden_size": 896,
                "max_position_embeddings": 32768,
            }
        )
    )
    for target in (
        folder,
        folder / "model.safetensors.index.json",
        folder / "model-00002-of-00002.safetensors",
    ):
        info = inspect(target)
        assert info.parameters == 64000 + 4096 + 4096 + 64
        assert info.name == "Qwen2.5-0.5B-Instruct"  # generic file names: the folder's name is compared
        assert len(info.files) == 3
        assert info.kv_cache_bytes_per_token == 24 * 2 * 64 * 2 * 2
        assert info.notes == ()
        assert [(m.field, m.name_says) for m in info.mismatches] == [
            ("parameters", "0.5B"),
            ("family", "Qwen"),
        ]
    (folder / "model-00002-of-00002.safetensors").unlink()
    partial = inspect(folder)
    assert partial.parameters == 64000 + 4096
    assert partial.notes[0].startswith("1 of 2 shards present; missing: model-00002-of-00002.safetensors")


SAFETENSORS_CORRUPTIONS = [
    ("truncated", "the file is truncated: tensor 'b.weight' needs bytes up to"),
    ("short", "too short for safetensors: 5 bytes"),
    ("length", "header length 1,152,921,504,606,846,976 runs past the end of the file"),
    ("json", "the JSON header is not valid JSON"),
    ("dtype", "tensor 'a.weight' has unknown dtype 'F17'"),
    (
        "offsets",
        "tensor 'a.weight': data_offsets [0, 10] hold 10 bytes, but shape [64, 32] of F16 needs 4,096",
    ),
]


@pytest.mark.parametrize(("kind", "message"), SAFETENSORS_CORRUPTIONS)
def test_corrupt_safetensors(tmp_path, kind, message):
    path = _write_safetensors(
        tmp_path / "Tiny-F16.safetensors", {"a.weight": ("F16", [64, 32]), "b.weight": ("F16", [32, 32])}
    )
    data = path.read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    if kind == "truncated":
        path.write_bytes(data[:-100])
    elif kind == "short":
        path.write_bytes(data[:5])
    elif kind == "length":
        path.write_bytes(struct.pack("<Q", 2**60) + data[8:])
    elif kind == "json":
        path.write_bytes(data[:8] + data[8 : 8 + n].replace(b'"dtype"', b"'dtype'", 1) + data[8 + n :])
    elif kind == "dtype":
        path.write_bytes(data.replace(b'"F16"', b'"F17"', 1))
    elif kind == "offsets":
        path.write_bytes(data.replace(b"[0, 4096]", b"[0, 10]  ", 1))
    with pytest.raises(InspectError) as caught:
        inspect(path)
    assert message in str(caught.value)
    if kind == "truncated":
        assert caught.value.offset == len(data) - 100
    if kind == "json":
        assert caught.value.offset == 8 + data[8:].index(b'"dtype"')  # where the bad quote now is
    result = run("inspect", str(path))
    assert result.exit_code == 1 and result.output.count("\n") == 1


# --------------------------------------------------------------------------- PyTorch pickles and others


class _Boom:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # unpickling this creates the marker file
        return (open, (self.marker, "w"))


def test_pytorch_zip_is_listed_never_unpickled(tmp_path):
    marker = tmp_path / "UNPICKLED"
    path = tmp_path / "pytorch_model.bin"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps(_Boom(str(marker))))
        z.writestr("archive/data/0", b"\0" * 4000)
        z.writestr("archive/data/1", b"\0" * 96)
        z.writestr("archive/version", b"3\n")
    info = inspect(path)
    assert not marker.exists()
    assert info.format == "pytorch"
    assert info.weight_bytes == 4096
    assert "can run any code" in info.notes[0]
    assert "2 tensor storages, 4,096 bytes" in info.notes[1]
    result = run("inspect", str(path))
    assert result.exit_code == 0 and "can run any code" in result.output


def test_raw_pickle_checkpoint(tmp_path):
    marker = tmp_path / "UNPICKLED"
    path = tmp_path / "model.ckpt"
    path.write_bytes(pickle.dumps(_Boom(str(marker)), protocol=2))
    info = inspect(path)
    assert not marker.exists()
    assert info.format == "pytorch" and info.weight_bytes is None
    assert "raw pickle stream (protocol 2)" in info.notes[1]


def test_legacy_ggml_and_garbage(tmp_path):
    old = tmp_path / "llama-2-7b.ggmlv3.q4_0.bin"
    old.write_bytes(b"tjgg" + b"\0" * 100)
    info = inspect(old)
    assert info.format == "ggml" and "before GGUF" in info.notes[0]
    junk = tmp_path / "model.bin"
    junk.write_bytes(b"hello world, not a model")
    with pytest.raises(InspectError, match="not a PyTorch checkpoint, GGUF or safetensors file"):
        inspect(junk)
    with pytest.raises(InspectError, match="no such file"):
        inspect(tmp_path / "absent.gguf")
    zipped = tmp_path / "weights.pt"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(InspectError, match="without a data.pkl"):
        inspect(zipped)


def test_public_api():
    assert modelname.inspect is inspect
    assert modelname.InspectError is InspectError
    assert Mismatch(field="family", name_says="Qwen", file_says="llama").model_dump() == {
        "field": "family",
        "name_says": "Qwen",
        "file_says": "llama",
    }


def test_random_damage_never_escapes_as_another_error(tmp_path):
    """Flip bytes anywhere in the header: the result is an Inspection or one InspectError, nothing else."""
    import random

    good = tiny_llama(tmp_path / "Tiny-Llama-Q8_0.gguf", ftype=7, meta={"general.name": ("string", "Tiny")})
    data = good.read_bytes()
    header_end = data.index(b"output.weight") + 64
    rng = random.Random(1234)
    outcomes = {"read": 0, "error": 0}
    for i in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(header_end)
            damaged[at] = rng.choice([0, 0xFF, rng.randrange(256)])
        path = tmp_path / f"damaged-{i}.gguf"
        path.write_bytes(bytes(damaged))
        try:
            inspect(path)
            outcomes["read"] += 1
        except InspectError as err:
            assert "\n" not in str(err)
            outcomes["error"] += 1
        path.unlink()
    assert outcomes["read"] > 0 and outcomes["error"] > 0


def test_random_damage_to_safetensors(tmp_path):
    import random

    good = _write_safetensors(
        tmp_path / "Tiny-F16.safetensors", {"a.weight": ("F16", [64, 32]), "b.weight": ("F32", [32])}
    )
    data = good.read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    rng = random.Random(99)
    for i in range(200):
        damaged = bytearray(data)
        at = rng.randrange(8 + n)
        damaged[at] = rng.randrange(256)
        path = tmp_path / f"damaged-{i}.safetensors"
        path.write_bytes(bytes(damaged))
        try:
            inspect(path)
        except InspectError as err:
            assert "\n" not in str(err)
        path.unlink()
