"""The command line, through click's CliRunner."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

import modelname
from modelname.cli import cli

NAME = "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env or {"LANG": "C", "LC_ALL": ""})


def test_explain_english():
    result = run("explain", NAME)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0].startswith(NAME)
    for text in (
        "DeepSeek",
        "R1",
        "Distilled",
        "Qwen",
        "7 billion",
        "Q4_K_M",
        "4-bit",
        "GGUF",
        "4.7 GB",
        "7,615,616,512",
    ):
        assert text in out, text


def test_explain_chinese():
    result = run("explain", "--lang", "zh", NAME)
    assert result.exit_code == 0, result.output
    for text in ("蒸馏", "70 亿", "量化", "厂商", "模型系列"):
        assert text in result.output, text


def test_language_follows_locale():
    result = run("explain", NAME, env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "蒸馏" in result.output
    result = run("explain", NAME, env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    assert "Distilled" in result.output


def test_explain_json_one_line_per_name():
    result = run("explain", "--json", NAME, "gpt-4o-mini")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first == modelname.parse(NAME).model_dump(mode="json")
    assert json.loads(lines[1])["family"] == "GPT"


def test_bad_name_among_good_ones():
    result = CliRunner().invoke(
        cli, ["explain", "--json", "gpt-4o-mini", "Qwen-", "claude-3-5-sonnet-20240620"]
    )
    assert result.exit_code == 2
    lines = [json.loads(x) for x in result.stdout.strip().splitlines()]
    assert [x.get("family") for x in lines] == ["GPT", None, "Claude"]
    assert lines[1]["error"]["reason"] == "the name ends with a separator"
    assert "Traceback" not in result.output


def test_bad_name_message_has_a_caret():
    result = CliRunner().invoke(cli, ["explain", "Qwen-"])
    assert result.exit_code == 2
    assert (
        "modelname: invalid name: the name ends with a separator (at character 5)\n    Qwen-\n        ^"
        in result.stderr
    )


def test_names_from_stdin():
    result = run("explain", "--json", "-", input="gpt-4o-mini\nqwen2.5:7b\n")
    assert result.exit_code == 0
    assert [json.loads(x)["family"] for x in result.output.splitlines()] == ["GPT", "Qwen"]


def test_explain_a_term():
    result = run("explain", "Q4_K_M")
    assert result.exit_code == 0
    assert "llama.cpp quant type" in result.output
    assert "4-bit" in result.output


def test_version_and_help():
    assert run("--version").output.strip() == f"modelname, version {modelname.__version__}"
    for flag in ("-h", "--help"):
        result = run(flag)
        assert result.exit_code == 0 and "explain" in result.output
    assert "--lang" in run("explain", "-h").output


def test_python_dash_m():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "modelname", "explain", "--json", "gpt-4o-mini"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["family"] == "GPT"


def test_explain_an_ollama_alias_says_what_it_really_is():
    result = run("explain", "deepseek-r1:7b")
    assert result.exit_code == 0, result.output
    out = " ".join(re.sub(r"-\n\s+", "-", result.output).split())  # a line may break after a hyphen
    assert "→ DeepSeek-R1-Distill-Qwen-7B" in out
    assert "DeepSeek-R1-Distill-Qwen-7B: a 7B Qwen-based model fine-tuned on DeepSeek-R1's outputs" in out
    assert "not the 671B DeepSeek-R1" in out
    zh = " ".join(run("explain", "--lang", "zh", "deepseek-r1:7b").output.split())
    assert "蒸馏" in zh and "DeepSeek-R1-Distill-Qwen-7B" in zh


def test_vocab_lists_each_table():
    for table in ("families", "quants", "formats", "tags", "vendors", "providers", "ollama"):
        result = run("vocab", table)
        assert result.exit_code == 0, table
        assert "entries" in result.output
    lines = run("vocab", "quants", "--json").output.splitlines()
    assert any(json.loads(line)["scheme"] == "Q4_K_M" for line in lines)
    schema = json.loads(run("vocab", "families", "--schema").output)
    assert schema["additionalProperties"] is False
    assert "通义千问" in run("vocab", "families", "--lang", "zh").output


def test_explain_terms_in_chinese():
    result = run("explain", "--lang", "zh", "AWQ", "mmproj", "distill")
    assert result.exit_code == 0
    assert "激活感知" in result.output and "多模态投影器" in result.output and "蒸馏" in result.output


def test_guesses_are_marked_as_guesses():
    out = run("explain", "Zorblax-Frobnicate-7B").output
    assert "Zorblax (guess)" in out and "Frobnicate (guess)" in out
    assert "7B (guess)" not in out
    zh = run("explain", "--lang", "zh", "Zorblax-Frobnicate-7B").output
    assert "Zorblax (推测)" in zh
    known = run("explain", "Qwen2.5-7B-Instruct-abliterated").output
    assert "(guess)" not in known
