"""Explanations a reader can trust (issue 13): the text says what the JSON says, in English and in
Chinese, with Chinese typography, and the cases found wrong once stay right."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import modelname
from modelname import _weights
from modelname.cli import cli
from modelname.evaluate import load_fixtures

NAMES = sorted({fx.name for fx in load_fixtures([FIXTURES])})

CJK = r"[\u3400-\u9fff]"
_CJK_SPACE_CJK = re.compile(rf"{CJK} +{CJK}")
_HALF_WIDTH_AROUND_CHINESE = re.compile(rf"\({CJK}[^()]*\)|\([^()]*{CJK}\)")
# 约 70 亿 个参数 → 约 70 亿个参数: a number written with 万/亿 keeps its measure word; digits and
# Chinese keep the usual space between Latin and Chinese text (4,096 个词元, 每权重 4.5 位)
_MEASURE = re.compile(r"[万亿] +[个位种款张层倍台块条项份件组]")
_BITS_EN = re.compile(r"(?<![–\d.])(\d+(?:\.\d+)?) bits(?: per weight|\b)")  # not a range's end (3.6–4.3)
_BITS_ZH = re.compile(r"(?:每权重约? ?|× )(\d+(?:\.\d+)?) ?位")


def _shown(number: str, values: list[float]) -> bool:
    """``number`` as written equals one of ``values`` rounded to the digits it shows."""
    digits = len(number.split(".")[1]) if "." in number else 0
    return any(round(v, digits) == float(number) for v in values)


@pytest.fixture(scope="module")
def results():
    return [modelname.parse(name) for name in NAMES]


def test_the_bits_in_the_text_are_the_bits_in_the_json(results):
    """Every "N bits per weight" of a quantization sentence is one of the result's own figures (the
    scheme's nominal bits, its type's bits per weight, or the whole-file average); the size sentence
    may also use the bits the one estimator chose (Q6_K_L: Q6_K's whole-file average, said so)."""
    checked = 0
    for m in results:
        q = m.quantization
        if q is None:
            continue
        values = [float(x) for x in (q.bits, q.bits_per_weight, q.file_bits_per_weight) if x is not None]
        if not values:
            continue  # a method without its bits (GPTQ): the sentence speaks of the method in general
        if m.checkpoint is not None and m.checkpoint.dtype:
            values += [16.0, 32.0, 4.25, 8.0]  # a published dtype that outranks the name's word
        estimated = _weights.weights(m).bits
        for e in m.explanations:
            if e.field not in ("quantization", "size") or e.token in ("imatrix", "UD"):
                continue
            allowed = values + ([estimated.bits] if e.field == "size" and estimated is not None else [])
            for rx, text in ((_BITS_EN, e.en), (_BITS_ZH, e.zh)):
                for number in rx.findall(text):
                    if number == "16" and ("16-bit" in text or "16 位" in text):
                        continue  # "the 16-bit size": a comparison, not this file's figure
                    checked += 1
                    assert _shown(number, allowed), (m.name, e.field, number, allowed, text)
    assert checked > 500


def test_chinese_explanations_follow_chinese_typography(results):
    bad = []
    for m in results:
        for e in m.explanations:
            for rx in (_CJK_SPACE_CJK, _HALF_WIDTH_AROUND_CHINESE, _MEASURE):
                hit = rx.search(e.zh)
                if hit:
                    bad.append((m.name, e.field, hit.group(0), e.zh))
    assert not bad, bad[:10]


def test_a_note_is_shown_only_for_a_value_the_result_has(results):
    """A reading undone by a later stage (Claude first read as a base, then as the teacher) leaves
    no sentence behind."""
    fields = ("base_model", "variant", "version", "distill", "family", "vendor")
    for m in results:
        for e in m.explanations:
            if e.field in fields:
                assert getattr(m, e.field), (m.name, e.field, e.en)


def test_a_distillation_always_has_its_row(results):
    for m in results:
        if m.distill is not None:
            assert any(e.field == "distill" for e in m.explanations), m.name


# --------------------------------------------------------------------------- the cases of issue 13


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200", **kw.pop("env", {})}, **kw)


def dump(name: str) -> dict:
    return json.loads(run("explain", "--json", name).output)


def test_bits_per_weight_of_a_scheme_named_after_a_ggml_type():
    assert dump("Llama-3.1-8B-Instruct-IQ2_S.gguf")["quantization"]["bits_per_weight"] == 2.5625
    # a mix whose name is no GGML type keeps the type most of its tensors use
    assert dump("Llama-3.1-8B-Instruct-IQ2_M.gguf")["quantization"]["bits_per_weight"] == 2.5625
    assert dump("Llama-3.1-8B-Instruct-Q4_K_M.gguf")["quantization"]["bits_per_weight"] == 4.5
    text = run("explain", "Llama-3.1-8B-Instruct-IQ2_M.gguf").output
    assert "about 2.9 bits per weight on average" in text  # its whole-file average 2.9294
    zh = run("explain", "--lang", "zh", "Llama-3.1-8B-Instruct-IQ2_M.gguf").output
    assert "平均每权重约 2.9 位" in zh


def test_a_projector_is_not_sized_as_its_language_model():
    m = modelname.parse("mmproj-Qwen2.5-VL-7B-Instruct-f16.gguf")
    assert m.role == "mmproj"
    assert m.estimate_memory().weights.bytes is None
    assert not any(e.field == "size" for e in m.explanations)


def test_a_distillation_without_the_word_distill_is_shown():
    out = run("explain", "DeepSeek-R1-0528-Qwen3-8B-Q4_K_M.gguf").output
    assert "distilled into Qwen 3" in out.splitlines()[0]
    assert "outputs of DeepSeek-R1-0528" in " ".join(out.split())


def test_a_distillation_from_claude_is_not_built_on_claude():
    name = "Qwen3.5-27B-Claude-4.6-Opus-Reasoning-Distilled"
    out = " ".join(run("explain", name).output.split())
    assert "distilled from Claude-4.6-Opus" in out
    assert "Built on Claude" not in out and "strongest tier" not in out
    assert modelname.parse(name).base_model is None


def test_a_ggml_bin_file_is_not_called_a_pickle():
    out = run("explain", "llama-2-70b.ggmlv3.q2_K.bin").output
    assert "pickle" not in out and "Legacy GGML" in out


def test_wrong_facts_stay_fixed():
    gpt = " ".join(run("explain", "gpt-4o").output.split())
    assert "gpt-oss" in gpt
    llava = run("explain", "lmms-lab/LLaVA-OneVision-1.5-4B-Instruct").output
    assert "LLaVA-OneVision 1.5" in llava.splitlines()[0]
    bitnet = " ".join(run("explain", "1bitLLM/bitnet_b1_58-3B").output.split())
    assert "community reproductions" in bitnet and "13.3 GB" in bitnet and "× F32" in bitnet
    ovis = " ".join(run("explain", "AIDC-AI/Ovis2-8B").output.split())
    assert "AIDC-AI: one of Alibaba's Hub accounts" in ovis
    code = " ".join(run("explain", "monsterapi/llama2-code-generation").output.split())
    assert "code-generation: writing code" in code and "(image, video or audio) endpoint" not in code
    ud = " ".join(run("explain", "DeepSeek-R1-UD-TQ1_0.gguf").output.split())
    assert "they do run" in ud
    assert "(file format)" in run("explain", "GGUF").output.splitlines()[0]


def test_square_brackets_are_printed():
    assert "[schnell]" in run("explain", "FLUX.1-dev").output


def test_no_filler_and_no_duplicate_version_rows():
    for name in ("claude-3-5-sonnet-20240620", "runwayml/stable-diffusion-v1-5", "gpt-4o"):
        for lang in ("en", "zh"):
            out = run("explain", "--lang", lang, name).output
            assert "of the model." not in out and "模型的第" not in out
        m = modelname.parse(name)
        assert sum(e.field == "version" for e in m.explanations) <= 1


def test_a_cut_short_quant_code_is_explained():
    out = " ".join(run("explain", "Q4").output.split())
    assert "4-bit llama.cpp quantization" in out and "Q4_K_M" in out
    m = modelname.parse("llama-7b-q4.gguf")
    assert any(e.field == "quantization" and "4-bit" in e.en for e in m.explanations)


def test_explain_json_of_a_term_is_the_vocab_entry():
    lines = [json.loads(x) for x in run("explain", "--json", "Q4_K_M", "gpt-4o-mini").output.splitlines()]
    term, name = lines
    assert term["term"] == "Q4_K_M" and "name" not in term
    assert term["table"] == "file_types.toml" and term["entry"]["scheme"] == "Q4_K_M"
    vocab = [json.loads(x) for x in run("vocab", "quants", "--json").output.splitlines()]
    assert term["entry"] == next(r for r in vocab if r["scheme"] == "Q4_K_M")
    assert name["name"] == "gpt-4o-mini" and "term" not in name


def test_parameters_in_chinese_have_no_space_before_the_measure_word():
    zh = run("explain", "--lang", "zh", "Meta-Llama-3-8B-Instruct").output
    assert "约 80 亿个参数" in zh


@pytest.mark.parametrize("bad", ["Qwen-", "", "Qwen2.5::7b", ":x", "a\x01b", "org/", "!!!", "x" * 5000])
def test_an_invalid_name_is_refused_in_chinese_too(bad):
    result = run("explain", "--lang", "zh", bad)
    assert result.exit_code == 2 and "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith("modelname: 无效的名称: ") and re.search(
        CJK, first[len("modelname: 无效的名称: ") :]
    )
    err = json.loads(run("explain", "--json", bad).output.splitlines()[0])["error"]
    assert re.search(CJK, err["reason_zh"]) and err["message_zh"].startswith(err["reason_zh"])
