"""Hostile names: parse, and everything that reads its result, raise nothing but InvalidModelName.

Generated cases, not examples: digit runs of any length where the grammar expects a size, a
context, bits or bpw; real names with their characters mutated.  Every answer must also render
(canonical, explanations, memory estimate) without an exception.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import modelname
from modelname import InvalidModelName

# Shapes whose numbers go through int()/float(): the number is replaced by a long run of digits.
SHAPES = [
    "{n}B",
    "{n}b",
    "{n}.5B",
    "{n}k",
    "{n}K",
    "{n}bit",
    "{n}bpw",
    "{n}x7B",
    "8x{n}B",
    "A{n}B",
    "E{n}B",
    "30B-A{n}B",
    "{n}B-16E",
    "{n}b1",
    "v{n}",
    "{n}",
    "{n}M",
    "{n}m",
    "{n}T",
    "{n}-of-2",
    "Q{n}_K_M",
    "q{n}f16_1",
    "{n}0101",
]
PREFIXES = ["", "Qwen2.5-", "Llama-3-", "org/model-", "x-", "deepseek-r1:"]
SUFFIXES = ["", "-Instruct", ".gguf", "-Q4_K_M.gguf", ":latest", "-GGUF"]


def _read_everything(name: str) -> None:
    try:
        m = modelname.parse(name)
    except InvalidModelName as err:
        err.to_dict()
        str(err)
        return
    m.model_dump(mode="json")
    m.canonical  # noqa: B018 - computing it is the test
    m.explanations  # noqa: B018
    m.estimate_memory()


@settings(max_examples=600)
@given(
    st.sampled_from(PREFIXES),
    st.sampled_from(SHAPES),
    st.integers(min_value=1, max_value=400),
    st.sampled_from("0123456789"),
    st.sampled_from(SUFFIXES),
)
def test_long_numbers_in_every_numeric_shape(prefix, shape, digits, digit, suffix):
    number = ("1" + digit * (digits - 1)) if digits > 1 else digit
    _read_everything(prefix + shape.format(n=number) + suffix)


def test_a_size_too_large_for_a_float_is_no_size():
    m = modelname.parse("1" * 309 + "b")
    assert m.parameters is None
    assert m.estimate_memory().weights.bytes is None


SEEDS = [
    "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf",
    "Qwen/Qwen2.5-Coder-32B-Instruct-GGUF",
    "qwen2.5-coder:32b-instruct-q4_K_M",
    "bedrock/us-east-1/anthropic.claude-3-5-sonnet-20240620-v1:0",
    "Mixtral-8x7B-Instruct-v0.1.Q5_K_M-00001-of-00002.gguf",
    "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M",
    "mmproj-Qwen2.5-VL-7B-Instruct-f16.gguf",
    "TheBloke/Llama-2-70B-Chat-GPTQ",
    "mlx-community/Qwen3-30B-A3B-4bit",
    "gemma-3n-E4B-it-Q8_0.gguf",
]
ALPHABET = "0123456789-_.:/@ xXbBkKmMqQvV\u00a0\u200b\ufeff\U0001f600é通"


@pytest.mark.parametrize("seed", range(8))
def test_mutated_real_names(seed):
    """Insert, delete, repeat and swap characters of real names: 4,000 cases per run, seeded."""
    rng = random.Random(seed)
    for _ in range(500):
        name = list(rng.choice(SEEDS))
        for _ in range(rng.randint(1, 6)):
            op = rng.randrange(4)
            i = rng.randrange(len(name) + 1)
            if op == 0:
                name.insert(i, rng.choice(ALPHABET))
            elif op == 1 and name:
                del name[min(i, len(name) - 1)]
            elif op == 2 and name:
                j = min(i, len(name) - 1)
                name[j:j] = name[j] * rng.randint(1, 300)
            elif name:
                j, k = rng.randrange(len(name)), rng.randrange(len(name))
                name[j], name[k] = name[k], name[j]
        _read_everything("".join(name))


def test_long_hostile_names_do_not_fill_the_caches():
    """Caches are bounded by what they hold, not only by count: a result of a name longer than real
    names get, and the plan of a sequence of more pieces than real names have, are not kept."""
    from modelname import _grammar
    from modelname._annotate import columns
    from modelname._parse import CACHE_LENGTH, _cached

    rng = random.Random(9)
    plans, results, flats = (
        len(_grammar._PLANS),
        _cached.cache_info().currsize,
        columns._cached_flat.cache_info(),
    )
    for _ in range(200):
        name = "-".join(
            rng.choice(["7B", "Q4_K_M", "v1.5", "x", "it", "8x7B", "20240101"]) for _ in range(60)
        )
        assert len(name) > CACHE_LENGTH
        modelname.parse(name)
        modelname.annotate([name])
    assert len(_grammar._PLANS) == plans
    assert _cached.cache_info().currsize == results
    assert columns._cached_flat.cache_info().currsize == flats.currsize
