"""Hypothesis properties: parse never crashes, is deterministic, and round-trips."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modelname
from modelname import InvalidModelName, ModelName
from modelname._parse import parse_uncached

NAME_ALPHABET = string.ascii_letters + string.digits + "-_.:/@ "
WORDS = st.sampled_from(
    [
        "Qwen2.5",
        "Llama",
        "3.1",
        "8B",
        "Instruct",
        "Q4_K_M",
        "GGUF",
        "v0.2",
        "7b",
        "A3B",
        "30B",
        "DeepSeek",
        "R1",
        "Distill",
        "00001-of-00003",
        "fp16",
        "mmproj",
        "i1",
        "UD",
        "IQ1_S",
        "128k",
        "2407",
        "20240620",
        "Coder",
        "AWQ",
        "4bit",
        "mlx",
        "Zorblax",
        "通义千问",
        "chat",
        "x",
    ]
)
SEPS = st.sampled_from(["-", "_", ".", "-", "-"])


def _outcome(text: str):
    try:
        return modelname.parse(text)
    except InvalidModelName as err:
        return err


def _check(text: str) -> None:
    """What any input must give: a result that survives its JSON form and explains itself, or an
    InvalidModelName that points inside the text.  Any other exception fails the test."""
    out = _outcome(text)
    if isinstance(out, InvalidModelName):
        assert out.position is None or 0 <= out.position <= len(text)
        assert out.reason and out.reason in str(out)
        assert set(out.to_dict()) == {
            "error",
            "reason",
            "reason_zh",
            "name",
            "position",
            "message",
            "message_zh",
        }
        return
    data = out.model_dump(mode="json")
    assert ModelName.model_validate(data).model_dump(mode="json") == data
    assert all(e.en and e.zh for e in out.explanations)
    again = parse_uncached(text)  # a fresh reading, not the cached result
    assert again is not out and again.model_dump(mode="json") == data


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_gives_a_result_or_invalid_name(text):
    _check(text)


@settings(max_examples=300)
@given(st.text(alphabet=NAME_ALPHABET, max_size=80))
def test_name_like_text(text):
    _check(text)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(WORDS, SEPS), min_size=1, max_size=10), st.sampled_from(["", ".gguf", ".bin", ":7b"])
)
def test_composed_names_parse_and_round_trip(parts, tail):
    _check("".join(w + s for w, s in parts)[:-1] + tail)


def test_output_is_the_same_in_another_process_with_another_hash_seed():
    """Stable output: a fresh interpreter (other hash seed, other dict and set orders) reads the
    fixture names exactly as this one does."""
    import json
    import os
    import subprocess
    import sys

    from conftest import FIXTURES

    from modelname.evaluate import load_fixtures

    names = [fx.name for fx in load_fixtures([FIXTURES])]
    here = [modelname.parse(n).model_dump(mode="json") for n in names]
    code = (
        "import json, sys, modelname\n"
        "names = json.load(sys.stdin)\n"
        "print(json.dumps([modelname.parse(n).model_dump(mode='json') for n in names], ensure_ascii=False))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(done.stdout) == json.loads(json.dumps(here, ensure_ascii=False))


@settings(max_examples=100)
@given(st.text(alphabet="-_. ", min_size=1, max_size=20))
def test_separators_only_are_invalid(text):
    assert isinstance(_outcome(text), InvalidModelName)


@settings(max_examples=100)
@given(st.text(min_size=1).filter(lambda s: any(ord(c) < 32 for c in s)))
def test_control_characters_are_invalid(text):
    assert isinstance(_outcome(text), InvalidModelName)


def _canonical_keeps(m: ModelName) -> None:
    c = m.canonical
    if c is None:
        return
    again = modelname.parse(c)
    for field in ("family", "version", "parameters", "quantization", "format", "shard"):
        assert getattr(again, field) == getattr(m, field), (m.name, c, field)


def test_canonical_names_of_the_fixtures_parse_back_the_same():
    from conftest import FIXTURES

    from modelname.evaluate import load_fixtures

    for fx in load_fixtures([FIXTURES]):
        _canonical_keeps(modelname.parse(fx.name))


FAMILIES = st.sampled_from(
    ["Qwen2.5", "Llama-3.1", "DeepSeek-R1", "Mistral", "gemma-3", "Phi-3.5", "Samantha", "Zorblax"]
)
SIZES = st.sampled_from(["", "7B", "0.5B", "30B-A3B", "8x7B", "E4B", "135M"])
MIDDLES = st.lists(
    st.sampled_from(
        [
            "Instruct",
            "Coder",
            "Distill-Qwen",
            "abliterated",
            "v0.2",
            "128k",
            "2407",
            "Lumimaid",
            "DPO",
            "mini",
            "Vision",
        ]
    ),
    max_size=3,
)
QUANTS = st.sampled_from(
    [
        "",
        "Q4_K_M",
        "IQ2_XXS",
        "UD-Q4_K_XL",
        "i1-Q6_K",
        "Q8_0",
        "F16",
        "AWQ",
        "GPTQ-Int4",
        "4bit",
        "EXL2-4.65bpw",
        "FP8-Dynamic",
    ]
)
TAILS = st.sampled_from(["", ".gguf", "-GGUF", "-00001-of-00003.gguf"])


@settings(max_examples=400)
@given(FAMILIES, SIZES, MIDDLES, QUANTS, TAILS)
def test_canonical_round_trip_on_name_shaped_text(family, size, middles, quant, tail):
    if (
        tail
        and quant
        and not quant[0].isalpha()
        or tail
        and quant in ("AWQ", "GPTQ-Int4", "4bit", "FP8-Dynamic")
    ):
        tail = ""  # GGUF files carry llama.cpp quants
    parts = [family, size, *middles, quant]
    name = "-".join(p for p in parts if p) + tail
    _canonical_keeps(modelname.parse(name))
