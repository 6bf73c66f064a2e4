"""The result's shape and the rules of the issue, on names written in the tests."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

import modelname
from modelname import InvalidModelName, ModelName
from modelname._parse import parse_uncached

JSON_KEYS = {
    "attributes",
    "checkpoint",
    "warnings",
    "name",
    "schema_version",
    "kind",
    "provider",
    "organization",
    "vendor",
    "family",
    "version",
    "variant",
    "parameters",
    "context_length",
    "date",
    "distill",
    "base_model",
    "functions",
    "category",
    "finetune",
    "training",
    "quantization",
    "format",
    "role",
    "shard",
    "resolved",
    "canonical",
    "provenance",
    "unrecognized",
    "explanations",
}


def test_json_form_has_exactly_the_documented_keys():
    m = modelname.parse("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf")
    data = m.model_dump(mode="json")
    assert set(data) == JSON_KEYS
    assert data["schema_version"] == 2
    assert data["name"] == "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"
    json.dumps(data, ensure_ascii=False)


def test_result_is_frozen_and_hashable():
    name = "Qwen2.5-7B-Instruct-Q4_K_M.gguf"
    m = modelname.parse(name)
    with pytest.raises(ValidationError):
        m.family = "Llama"  # type: ignore[misc]
    twin = parse_uncached(name)  # read again: a distinct object with equal values
    assert twin is not m and twin == m and hash(twin) == hash(m)
    assert len({m, twin, modelname.parse("Qwen2.5-7B-Instruct-Q5_K_M.gguf")}) == 2
    loaded = modelname.ModelName.model_validate(m.model_dump(mode="json"))
    assert loaded == m and hash(loaded) == hash(m)  # the evidence behind the values does not count


def test_json_round_trip():
    m = modelname.parse("bedrock/us-east-1/anthropic.claude-3-5-sonnet-20240620-v1:0")
    again = ModelName.model_validate(m.model_dump(mode="json"))
    assert again == m
    assert again.model_dump(mode="json") == m.model_dump(mode="json")


def test_provenance_marks_guesses():
    m = modelname.parse("Hathor-L3-8B-v.01-Q4_K_M-imat.gguf")  # Hathor is in no table
    assert m.source_of("family") == "pattern"
    assert m.source_of("base_model") == "table"
    assert m.model_dump(mode="json")["provenance"]["family"] == "pattern"


def test_explanations_have_both_languages():
    m = modelname.parse("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf")
    fields = {e.field for e in m.explanations}
    assert {"family", "version", "distill", "parameters", "quantization", "format"} <= fields
    for e in m.explanations:
        assert e.en and e.zh, e
    q = next(e for e in m.explanations if e.field == "quantization")
    assert q.token == "Q4_K_M"
    assert "4-bit" in q.en and "4 位" in q.zh
    size = next(e for e in m.explanations if e.field == "size")
    assert "4.7 GB" in size.en  # 7,615,616,512 (the checkpoint's true count, not 7e9) × 4.8944 / 8


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("4k", 4096),
        ("128K", 131072),
        ("200k", 200000),
        ("1m", 1_000_000),
        ("32k", 32768),
        ("1048k", 1_048_576),
        ("1000k", 1_000_000),
    ],
)
def test_context_lengths(text, tokens):
    assert modelname.parse(f"SomeModel-7B-{text}").context_length == tokens
    assert modelname.parse(f"SomeModel-7B-{text}").parameters.label == "7B"


@pytest.mark.parametrize(
    "name, label, total, active, experts, effective",
    [
        ("X-7B", "7B", 7_000_000_000, None, None, None),
        ("X-1.5B", "1.5B", 1_500_000_000, None, None, None),
        ("X-135M", "135M", 135_000_000, None, None, None),
        ("X-0_5B", "0.5B", 500_000_000, None, None, None),
        ("bloom-7b1", "7.1B", 7_100_000_000, None, None, None),
        ("X-30B-A3B", "30B-A3B", 30_000_000_000, 3_000_000_000, None, None),
        ("X-A22B", "A22B", None, 22_000_000_000, None, None),
        ("X-17B-16E", "17B-16E", None, 17_000_000_000, 16, None),
        ("X-E4B", "E4B", None, None, None, 4_000_000_000),
        ("X-2.4T", "2.4T", 2_400_000_000_000, None, None, None),
        ("X-8x22B", "8x22B", None, None, 8, None),
    ],
)
def test_sizes(name, label, total, active, experts, effective):
    p = modelname.parse(name).parameters
    assert (p.label, p.total, p.active, p.experts, p.effective) == (label, total, active, experts, effective)


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "the name is empty (at character 1)\n    \n    ^"),
        ("---", "the name has no letters or digits (at character 1)\n    ---\n    ^"),
        ("Qwen2.5-7B-", "the name ends with a separator (at character 11)\n    Qwen2.5-7B-\n              ^"),
        (
            "Qwen\x07-7B",
            "control character '\\x07' in the name (at character 5)\n    Qwen\\x07-7B\n        ^",
        ),
        ("a//b", "unexpected character '/' (at character 3)\n    a//b\n      ^"),
        ("-Qwen", "a name cannot start with the separator '-' (at character 1)\n    -Qwen\n    ^"),
        ("qwen2::7b", "two ':' in a row (at character 7)\n    qwen2::7b\n          ^"),
        ("Qwen/", "nothing follows the '/' (at character 5)\n    Qwen/\n        ^"),
    ],
)
def test_invalid_names_mark_the_place(name, message):
    with pytest.raises(InvalidModelName) as info:
        modelname.parse(name)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)
    assert info.value.to_dict()["reason"] == message.split(" (at")[0]


def test_too_long_is_refused():
    with pytest.raises(InvalidModelName, match="at most 512"):
        modelname.parse("a" * 513)


def test_outer_spaces_are_ignored_but_the_name_is_kept():
    m = modelname.parse("  Qwen2.5-7B  ")
    assert m.name == "  Qwen2.5-7B  "
    assert m.family == "Qwen"
    with pytest.raises(InvalidModelName) as info:
        modelname.parse("  Qwen-")
    assert info.value.position == 6


def test_unknown_words_are_not_errors():
    m = modelname.parse("Zorblax-Frobnicate-7B")
    assert m.family == "Zorblax"
    assert m.source_of("family") == "pattern"
    assert m.finetune == ("Frobnicate",)


def test_non_str_input():
    with pytest.raises(TypeError):
        modelname.parse(None)  # type: ignore[arg-type]


def test_huge_input_is_refused_quickly():
    import time

    for text in ("a" * 100_000, "-" * 100_000, "Qwen-" * 20_000, "\x00" * 100_000):
        start = time.perf_counter()
        with pytest.raises(InvalidModelName):
            modelname.parse(text)
        assert time.perf_counter() - start < 1.0  # generous: the length is checked before anything else


def test_long_but_valid_names_stay_linear():
    import time

    start = time.perf_counter()
    modelname.parse("-".join(["Zorblax"] * 60) + "-7B")  # about 480 characters
    modelname.parse("q" * 500)
    assert time.perf_counter() - start < 2.0


def test_chinese_names():
    m = modelname.parse("通义千问-7B-Chat")
    assert (m.vendor, m.family, m.parameters.label, m.functions) == ("Alibaba", "Qwen", "7B", ("chat",))
    assert modelname.parse("讯飞星火-v3.5").family == "Spark"
