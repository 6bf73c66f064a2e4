"""Memory estimates from names: weights, KV cache, overhead, the architecture table, the fit command."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter, ValidationError

import modelname
from modelname.cli import cli
from modelname.memory import (
    DEFAULT_CONTEXT,
    OVERHEAD_BYTES,
    Architecture,
    MemoryEstimate,
    architectures,
    find_architecture,
    format_bytes,
    parse_memory,
)

GiB = 2**30


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --------------------------------------------------------------------------- the "done when" figure


def test_llama_3_1_8b_q4_k_m_within_ten_percent_of_the_measured_file():
    """llama.cpp's quantize README measures Llama-3.1-8B Q4_K_M at 4.58 GiB (ggml_quants.md)."""
    e = modelname.parse("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf").estimate_memory()
    assert e.weights.bytes == round(LLAMA_8B * 4.8944 / 8)  # the true count, not the label's 8e9
    assert e.weights.gib == 4.58
    assert abs(e.weights.bytes / GiB - 4.58) / 4.58 < 0.10
    assert not e.weights.exact
    assert e.kv_cache.bytes == 8192 * 131_072 == GiB  # 32 layers × 8 KV heads × 128 × 2 × 2 bytes
    assert e.overhead.bytes == OVERHEAD_BYTES == GiB
    assert e.total.bytes == round(LLAMA_8B * 4.8944 / 8) + 2 * GiB
    assert e.complete and e.architecture == "llama-3.1-8b" and e.context_length == 8192


# --------------------------------------------------------------------------- estimates from names

# name, weights bytes, KV bytes at the default context, architecture row
# True parameter counts of the published checkpoints (tables/checkpoints.toml: the Hub's safetensors
# metadata of each vendor repo): names whose checkpoint is known are sized by these, not by the label.
LLAMA_8B = 8_030_261_248
QWEN25_7B = 7_615_616_512
QWEN25_32B = 32_763_876_352

ESTIMATES = [
    ("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", round(LLAMA_8B * 4.8944 / 8), GiB, "llama-3.1-8b"),
    ("Qwen2.5-7B-Instruct-Q8_0.gguf", round(QWEN25_7B * 8.5008 / 8), 8192 * 28 * 4 * 128 * 4, "qwen2.5-7b"),
    (
        "Qwen2.5-32B-Instruct-Q6_K_L.gguf",
        round(QWEN25_32B * 6.5633 / 8),
        2 * GiB,
        "qwen2.5-32b",
    ),  # Q6_K's average
    (
        "Qwen2.5-32B-Instruct-Q4_0.gguf",
        round(QWEN25_32B * 4.6426 / 8),
        2 * GiB,
        "qwen2.5-32b",
    ),  # derived from quantize.cpp
    (
        "gemma-3-12b-it-Q4_K_M.gguf",
        round(12_187_325_040 * 4.8944 / 8),
        8 * 8192 * 8192 + 40 * 1024 * 8192,
        "gemma-3-12b",
    ),
    (
        "gemma-2-9b-it-Q4_K_M.gguf",
        round(9_241_705_984 * 4.8944 / 8),
        21 * 8192 * 8192 + 21 * 4096 * 8192,
        "gemma-2-9b",
    ),
    (
        "Phi-3-mini-4k-instruct-Q4_K_M.gguf",
        round(3_821_079_552 * 4.8944 / 8),
        4096 * 32 * 32 * 96 * 4,
        "phi-3-mini",
    ),
    ("microsoft/phi-4", round(14_659_507_200 * 16 / 8), 8192 * 40 * 10 * 128 * 4, "phi-4"),
    ("meta-llama/Llama-3.3-70B-Instruct", 70_553_706_496 * 2, 8192 * 80 * 8 * 128 * 4, "llama-3.1-70b"),
    (
        "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf",
        round(QWEN25_7B * 4.8944 / 8),  # distilled into Qwen2.5-Math-7B: the same count
        8192 * 28 * 4 * 128 * 4,
        "deepseek-r1-distill-qwen-7b",
    ),
    ("Mistral-7B-Instruct-v0.3-IQ4_XS.gguf", round(7_248_023_552 * 4.4597 / 8), GiB, "mistral-7b"),
]


@pytest.mark.parametrize(("name", "weights", "kv", "arch"), ESTIMATES)
def test_estimates(name, weights, kv, arch):
    e = modelname.parse(name).estimate_memory()
    assert (e.weights.bytes, e.kv_cache.bytes, e.architecture) == (weights, kv, arch)
    assert e.total.bytes == weights + kv + OVERHEAD_BYTES
    for fig in (e.weights, e.kv_cache, e.overhead, e.total):
        assert isinstance(fig.bytes, int) and isinstance(fig.exact, bool) and fig.why
        assert fig.gb == round(fig.bytes / 1e9, 2) and fig.gib == round(fig.bytes / GiB, 2)


def test_mixture_of_experts_keeps_every_expert_in_memory():
    e = modelname.parse("Qwen3-30B-A3B-Q4_K_M.gguf").estimate_memory()
    assert (e.parameters, e.active_parameters) == (30_532_122_624, 3_353_032_704)  # Qwen/Qwen3-30B-A3B
    assert e.weights.bytes == round(30_532_122_624 * 4.8944 / 8)  # all experts, not the 3B active
    assert e.kv_cache.bytes == 8192 * 48 * 4 * 128 * 4
    assert "all 30.5B parameters must be in memory, but only 3.35B are computed per token" in e.notes[0]
    mixtral = modelname.parse("Mixtral-8x7B-Instruct-v0.1-Q4_K_M.gguf").estimate_memory()
    assert mixtral.weights.bytes == round(46_702_792_704 * 4.8944 / 8)
    assert "but only 12.9B are computed per token" in mixtral.notes[0]  # mistralai/Mixtral-8x7B-Instruct-v0.1


def test_unknown_architecture_says_the_kv_cache_is_not_included():
    e = modelname.parse("SomeMerge-13B-Q4_K_M.gguf").estimate_memory()
    assert e.kv_cache.bytes is None and not e.complete
    assert e.kv_cache.why.startswith("not included:")
    assert e.total.bytes == e.weights.bytes + OVERHEAD_BYTES
    assert e.total.why == "weights + overhead; the KV cache is not included"
    assert e.fit("12GB").verdict == "unknown"
    assert e.fit("8GB").verdict == "does not fit"  # even without the KV cache


def test_unknown_weights():
    for name, why in [
        ("gpt-4o", "the name does not say how many parameters"),
        ("someone/Zorblax-7B-GGUF", "the name does not say the quantization"),
        ("mmproj-Qwen2-VL-7B-Instruct-f16.gguf", "this is a multimodal projector"),
    ]:
        e = modelname.parse(name).estimate_memory()
        assert e.weights.bytes is None and e.total.bytes is None, name
        assert why in e.weights.why, name
        assert e.fit("80GB").verdict == "unknown"


def test_an_ollama_tag_without_a_quant_is_its_default_4_bit_build():
    e = modelname.parse("qwen2.5:7b").estimate_memory()
    assert e.weights.bytes == round(QWEN25_7B * 4.8944 / 8)
    assert "an Ollama tag without a quant downloads its default build, usually Q4_K_M" in e.weights.why
    (size,) = [x for x in modelname.parse("qwen2.5:7b").explanations if x.field == "size"]
    assert f"{e.weights.bytes / 1e9:,.1f} GB" in size.en  # explain and fit use the one estimator


def test_explain_and_fit_give_the_same_weights():
    """One estimator: the size explain prints is the weights figure fit and pick use."""
    for name in (
        "Meta-Llama-3.1-8B-Instruct-Q3_K_M.gguf",
        "Qwen2.5-7B-Instruct-Q4_0.gguf",
        "gpt-oss-20b-MXFP4.gguf",
    ):
        m = modelname.parse(name)
        (size,) = [x for x in m.explanations if x.field == "size"]
        assert f"Roughly {m.estimate_memory().weights.bytes / 1e9:,.1f} GB" in size.en, name
    projector = modelname.parse("mmproj-Qwen2.5-VL-7B-Instruct-f16.gguf")
    assert not [x for x in projector.explanations if x.field == "size"]  # not sized as the whole model


def test_context_length():
    m = modelname.parse("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf")
    assert m.estimate_memory(131072).kv_cache.bytes == 16 * GiB  # memory.md: 128k ctx = 16 GiB
    assert m.estimate_memory(200_000).notes == (
        "200,000 tokens is more than the model's native context of 131,072",
    )
    assert (
        modelname.parse("Meta-Llama-3-8B-Instruct.Q4_K_M.gguf").estimate_memory().context_length
        == DEFAULT_CONTEXT
    )
    assert modelname.parse("Phi-3-mini-4k-instruct-Q4_K_M.gguf").estimate_memory().context_length == 4096
    with pytest.raises(ValueError, match="context length must be positive"):
        m.estimate_memory(0)


def test_fit_verdicts():
    e = modelname.parse("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf").estimate_memory()
    fits = e.fit("12GB")
    assert fits.verdict == "fits"
    assert fits.budget.bytes == 12_000_000_000 and fits.budget.exact
    assert fits.spare_bytes == 12_000_000_000 - e.total.bytes
    tight = e.fit(e.total.bytes - 1)
    assert tight.verdict == "does not fit" and tight.spare_bytes == -1
    assert e.fit(e.total.bytes).verdict == "fits"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12GB", 12 * 10**9),
        ("12 GiB", 12 * GiB),
        ("800MB", 800 * 10**6),
        ("12", 12 * 10**9),
        ("0.5gib", GiB // 2),
        ("1.5TB", 1_500_000_000_000),
        ("24G", 24 * 10**9),
        (4096, 4096),
    ],
)
def test_parse_memory(text, expected):
    assert parse_memory(text) == expected


@pytest.mark.parametrize("text", ["", "12XB", "-1GB", "0", "abc", "12 GB RAM", True])
def test_parse_memory_rejects(text):
    with pytest.raises(ValueError):
        parse_memory(text)


def test_format_bytes():
    assert format_bytes(4_894_400_000) == "4.89 GB (4.56 GiB)"
    assert format_bytes(143_025_408) == "143.0 MB (136.4 MiB)"


def test_estimate_is_frozen_and_serializable():
    e = modelname.parse("Qwen2.5-7B-Instruct-Q8_0.gguf").estimate_memory()
    assert modelname.MemoryEstimate is MemoryEstimate  # the public name is the class estimate_memory returns
    assert type(e) is MemoryEstimate
    data = e.model_dump(mode="json")
    assert data["weights"] == {
        "bytes": e.weights.bytes,
        "exact": False,
        "why": e.weights.why,
        "gb": e.weights.gb,
        "gib": e.weights.gib,
    }
    with pytest.raises(ValidationError, match="frozen"):
        e.weights.bytes = 1  # type: ignore[misc]


# --------------------------------------------------------------------------- the architecture table


def _raw_rows() -> list[dict]:
    text = resources.files("modelname.tables").joinpath("architectures.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["architecture"]


def test_every_architecture_row_validates():
    rows = _raw_rows()
    assert len(rows) == len(architectures()) >= 30
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        arch = TypeAdapter(Architecture).validate_python(row)  # extra="forbid": a misspelt key fails
        assert arch.source.startswith("https://huggingface.co/"), arch.id
        assert arch.attention_heads % arch.kv_heads == 0, arch.id
        assert arch.sliding_window_layers < arch.layers, arch.id
        assert (arch.sliding_window is None) == (arch.sliding_window_layers == 0), arch.id
        assert (arch.experts is None) == (arch.experts_used is None), arch.id


def test_architecture_rows_reject_unknown_keys():
    row = {**_raw_rows()[0], "num_layers": 32}
    with pytest.raises(Exception, match="num_layers"):
        TypeAdapter(Architecture).validate_python(row)


# A real name for every row: each must find exactly its row.
ROW_NAMES = {
    "llama-3-8b": "Meta-Llama-3-8B-Instruct.Q4_K_M.gguf",
    "llama-3.1-8b": "meta-llama/Llama-3.1-8B-Instruct",
    "llama-3-70b": "Meta-Llama-3-70B-Instruct-Q4_K_M.gguf",
    "llama-3.1-70b": "llama3.3:70b",
    "llama-3.2-1b": "Llama-3.2-1B-Instruct-Q8_0.gguf",
    "llama-3.2-3b": "meta-llama/Llama-3.2-3B-Instruct",
    "qwen2.5-0.5b": "Qwen/Qwen2.5-0.5B-Instruct",
    "qwen2.5-1.5b": "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf",
    "qwen2.5-3b": "qwen2.5:3b",
    "qwen2.5-7b": "Qwen2.5-Coder-7B-Instruct-Q4_K_M.gguf",
    "qwen2.5-14b": "Qwen/Qwen2.5-14B-Instruct",
    "qwen2.5-32b": "Qwen_Qwen2.5-VL-32B-Instruct-Q4_K_M.gguf",
    "qwen2.5-72b": "Qwen2.5-72B-Instruct-Q4_K_M.gguf",
    "qwen3-0.6b": "Qwen/Qwen3-0.6B",
    "qwen3-1.7b": "Qwen3-1.7B-Q8_0.gguf",
    "qwen3-4b": "Qwen/Qwen3-4B",
    "qwen3-8b": "qwen3:8b",
    "qwen3-14b": "Qwen3-14B-Q4_K_M.gguf",
    "qwen3-32b": "Qwen/Qwen3-32B",
    "qwen3-30b-a3b": "Qwen3-30B-A3B-Q4_K_M.gguf",
    "qwen3-235b-a22b": "Qwen/Qwen3-235B-A22B",
    "mistral-7b": "Mistral-7B-Instruct-v0.3-Q4_K_M.gguf",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-Instruct-v0.1",
    "gemma-2-2b": "gemma-2-2b-it-Q8_0.gguf",
    "gemma-2-9b": "google/gemma-2-9b-it",
    "gemma-2-27b": "gemma-2-27b-it-Q4_K_M.gguf",
    "gemma-3-1b": "gemma3:1b",
    "gemma-3-4b": "google/gemma-3-4b-it",
    "gemma-3-12b": "gemma-3-12b-it-Q4_K_M.gguf",
    "gemma-3-27b": "google/gemma-3-27b-it",
    "phi-3-mini": "Phi-3-mini-4k-instruct-Q4_K_M.gguf",
    "phi-3.5-mini": "microsoft/Phi-3.5-mini-instruct",
    "phi-3-medium": "microsoft/Phi-3-medium-4k-instruct",
    "phi-4": "microsoft/phi-4",
    "deepseek-r1-distill-qwen-1.5b": "DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf",
    "deepseek-r1-distill-qwen-7b": "deepseek-r1:7b",
    "deepseek-r1-distill-qwen-14b": "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
    "deepseek-r1-distill-qwen-32b": "DeepSeek-R1-Distill-Qwen-32B-Q4_K_M.gguf",
    "deepseek-r1-distill-llama-8b": "DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf",
    "deepseek-r1-distill-llama-70b": "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
}


def test_row_names_cover_the_table():
    assert sorted(ROW_NAMES) == sorted(a.id for a in architectures())


@pytest.mark.parametrize(("row_id", "name"), sorted(ROW_NAMES.items()))
def test_a_real_name_finds_its_row(row_id, name):
    found = find_architecture(modelname.parse(name))
    assert found is not None, name
    assert found[0].id == row_id


@pytest.mark.parametrize(
    "name",
    [
        "Llama-2-7B-Chat-Q4_K_M.gguf",
        "Qwen2.5-9B-Q4_K_M.gguf",
        "Phi-4-mini-instruct-Q8_0.gguf",
        "SomeMerge-13B.gguf",
    ],
)
def test_no_row_is_guessed(name):
    assert find_architecture(modelname.parse(name)) is None


# --------------------------------------------------------------------------- modelname fit


def test_fit_command_exit_codes():
    assert run("fit", "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "--memory", "12GB").exit_code == 0
    assert run("fit", "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "--memory", "6GB").exit_code == 1
    assert run("fit", "SomeMerge-13B-Q4_K_M.gguf", "--memory", "12GB").exit_code == 3
    bad = run("fit", "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "--memory", "12XB")
    assert bad.exit_code == 2
    assert (
        bad.output
        == "modelname: cannot read memory size '12XB': write it like 12GB, 12GiB, 800MB or 12 (GB)\n"
    )
    invalid = run("fit", "Qwen2.5-7B-", "--memory", "12GB")
    assert invalid.exit_code == 2 and invalid.output.startswith("modelname: invalid name:")


def test_fit_command_text():
    result = run("fit", "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "--memory", "12GB", "--context", "8192")
    lines = result.output.splitlines()
    assert lines[0] == "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf: fits in 12.00 GB (11.18 GiB)"
    assert lines[1] == "  needs about 7.06 GB (6.58 GiB) of 12.00 GB (11.18 GiB), 4.94 GB (4.60 GiB) to spare"
    assert lines[2].startswith(
        "  weights      4.91 GB    4.58 GiB  approximate  meta-llama/Llama-3.1-8B-Instruct has 8,030,261,248 parameters"
    )
    assert lines[3].startswith(
        "  KV cache     1.07 GB    1.00 GiB  approximate  8,192 tokens × 131,072 bytes per token"
    )
    assert lines[4].startswith(
        "  overhead     1.07 GB    1.00 GiB  approximate  a fixed 1 GiB for the runtime"
    )
    assert lines[5] == "  total        7.06 GB    6.58 GiB  approximate  weights + KV cache + overhead"


def test_fit_command_json():
    result = run("fit", "Qwen3-30B-A3B-Q4_K_M.gguf", "--memory", "24GiB", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verdict"] == "fits"
    assert data["budget"]["bytes"] == 24 * GiB
    assert data["estimate"]["weights"]["bytes"] == round(30_532_122_624 * 4.8944 / 8)
    assert data["estimate"]["active_parameters"] == 3_353_032_704
    assert data["spare_bytes"] == 24 * GiB - data["needed"]["bytes"]
    unknown = json.loads(run("fit", "SomeMerge-13B-Q4_K_M.gguf", "-m", "12GB", "--json").output)
    assert unknown["verdict"] == "unknown" and unknown["estimate"]["kv_cache"]["bytes"] is None
