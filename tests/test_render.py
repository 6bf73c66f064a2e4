"""The plain-text tables of explain, term and vocab: widths in display columns, Chinese wrapping,
styles only where asked for."""

from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from modelname import render
from modelname.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CLOSING = "，。、；：！？）」』》】"

WORDS = st.sampled_from(
    [
        "Q4_K_M",
        "llama.cpp",
        "7B",
        "a",
        "quantization",
        "权重",
        "约",
        "位",
        "（每权重",
        "4.5",
        "位）",
        "，",
        "。",
        "量化后的模型文件",
        "supercalifragilisticexpialidocious",
        "—",
        "é",
        "e\u0301",
        "ＡＢＣ",
    ]
)


@given(
    st.lists(WORDS, max_size=40).map(
        lambda ws: "".join(w + (" " if i % 3 else "") for i, w in enumerate(ws))
    ),
    st.integers(4, 90),
)
@example(text="quantization， ", columns=4)  # a folded word once left its comma to start a line
@example(text="Q4_K_M 位）， ", columns=4)
def test_wrap_keeps_every_character_within_the_width(text, columns):
    lines = render.wrap(text, columns)
    for k, line in enumerate(lines):
        assert render.width(line) <= columns or len(line) == 1, (line, columns)
        assert not line.endswith(" ")
        if k and line and line[0] in CLOSING and " " + line[0] not in text:
            # closing punctuation starts a line only when it and the character it closes cannot
            # share one line (a run of wide punctuation longer than the column)
            run = line[: len(line) - len(line.lstrip(CLOSING))]
            assert render.width(lines[k - 1][-1:] + run) > columns, (lines[k - 1], line, columns)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wide_characters_take_two_columns():
    assert render.width("量化 Q4") == 7
    assert render.width("e\u0301") == 1
    assert render.wrap("权重约 4.3 GB（7B 参数 × 4.8944 位 ÷ 8）。", 12) == [
        "权重约 4.3",
        "GB（7B 参数",
        "× 4.8944 位",
        "÷ 8）。",
    ]


def test_chinese_breaks_between_characters_but_not_before_closing_punctuation():
    lines = render.wrap("深度求索的模型：V2/V3 是大型混合专家对话模型，R1 是推理模型。", 20)
    assert all(render.width(x) <= 20 for x in lines)
    assert not any(x[0] in CLOSING for x in lines)
    assert "".join(lines).replace(" ", "") == "深度求索的模型：V2/V3是大型混合专家对话模型，R1是推理模型。"


def test_explain_table_fits_the_terminal_width(monkeypatch):
    for columns in ("60", "100"):
        monkeypatch.setenv("COLUMNS", columns)
        for lang in ("en", "zh"):
            out = CliRunner().invoke(
                cli, ["explain", "--lang", lang, "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"]
            )
            assert out.exit_code == 0
            lines = out.stdout.splitlines()
            assert all(render.width(x) <= int(columns) for x in lines[1:]), columns
            assert not ANSI.search(out.stdout)


def test_styles_only_when_asked(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    styled = CliRunner().invoke(cli, ["explain", "Qwen2.5-7B-Instruct-Q4_K_M.gguf"]).stdout
    assert "\x1b[1m" in styled
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(cli, ["explain", "Qwen2.5-7B-Instruct-Q4_K_M.gguf"]).stdout
    assert not ANSI.search(plain)
    assert ANSI.sub("", styled) == plain


def test_explain_imports_neither_rich_nor_lark():
    code = (
        "import sys\nfrom modelname.cli import main\nsys.argv = ['modelname', 'explain', 'qwen2.5:7b']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('rich', 'lark', 'modelname.memory', 'importlib.metadata') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
