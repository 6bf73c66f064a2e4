"""The grammar file: shipped in the wheel, buildable strictly, and read the same way by our lexer."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from modelname import _grammar


def test_grammar_builds_strictly_with_lalr():
    from lark import Lark

    Lark(_grammar.grammar_text(), parser="lalr", lexer="contextual", strict=True)


def test_lexer_reads_every_terminal_like_lark():
    from lark import Lark

    lark = Lark(_grammar.grammar_text(), parser="lalr")
    ours = {name: (prio, pattern) for name, prio, pattern in _grammar._terminals()}
    theirs = {t.name: t for t in lark.terminals if not t.name.startswith("__")}
    assert set(ours) == set(theirs)
    for name, (prio, _pattern) in ours.items():
        assert theirs[name].priority == prio, name
    priorities = [p for p, _ in ours.values()]
    assert len(set(priorities)) == len(priorities), "every terminal needs its own priority"


def test_grammar_found_from_source_checkout():
    assert _grammar.grammar_path().read_text(encoding="utf-8") == (
        ROOT / "grammar" / "modelname.lark"
    ).read_text(encoding="utf-8")


@pytest.mark.slow
def test_wheel_contains_the_grammar(tmp_path: Path):
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    wheel = next(tmp_path.glob("modelname-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "modelname/grammar/modelname.lark" in names
        assert any(n.startswith("modelname/tables/") and n.endswith("families.toml") for n in names)
        assert "modelname/py.typed" in names
        shipped = z.read("modelname/grammar/modelname.lark").decode("utf-8")
    assert shipped == (ROOT / "grammar" / "modelname.lark").read_text(encoding="utf-8")


def test_structure_cache_gives_the_same_result():
    name = "bartowski/Qwen2.5-7B-Instruct-GGUF"
    _grammar._PLANS.clear()
    first = _grammar.skeleton(name)
    second = _grammar.skeleton(name)  # from the cache
    assert first == second
    assert [p.text for p in first.namespaces] == ["bartowski/"]


def _lex_with_one_alternation(text):
    """The reference lexer: every name terminal in one alternation, in priority order."""
    import re

    from modelname._grammar import PATH_TERMINALS, Piece, _terminals

    path = re.compile("|".join(f"(?P<{t}>{p})" for t, _, p in _terminals() if t in PATH_TERMINALS))
    name = re.compile("|".join(f"(?P<{t}>{p})" for t, _, p in _terminals() if t not in PATH_TERMINALS))
    out, cut = [], text.rfind("/") + 1
    for scanner, start, stop in ((path, 0, cut), (name, cut, len(text))):
        pos = start
        for m in scanner.finditer(text, start, stop):
            if m.start() != pos:
                break
            out.append(Piece(m.lastgroup, m.group(), pos))
            pos = m.end()
        if pos != stop:
            return out, pos
    return out, None


def _dispatch_outcome(text):
    from modelname._grammar import lex
    from modelname.errors import InvalidModelName

    try:
        return lex(text), None
    except InvalidModelName as err:
        return None, err.position


@settings(max_examples=1500)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
    | st.text(alphabet="qQiItT0123456789_-.kKmMsSlLxXbBvVeEaAfFpP:/ +İıſKé通", max_size=40)
)
def test_the_dispatching_lexer_matches_the_full_alternation(text):
    """The lexer tries only the terminals that can start with a piece's first character; it must
    cut every text exactly as trying all of them in priority order does."""
    pieces, failed_at = _lex_with_one_alternation(text)
    got, position = _dispatch_outcome(text)
    if failed_at is None:
        assert got == pieces
    else:
        assert got is None and position == failed_at
