"""The grammar file: shipped in the wheel, buildable strictly, and read the same way by our lexer."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import modelname
from modelname import _grammar, _lalr


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
        assert "modelname/grammar/modelname.table.json" in names
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


# --------------------------------------------------------------------------- the stored parse table


def test_the_stored_table_is_the_grammars():
    """grammar/modelname.table.json is what Lark builds from the grammar today (else: run
    scripts/grammar_table.py), and it is the table parse() uses."""
    stored = json.loads(_grammar.table_path().read_text(encoding="utf-8"))
    assert stored == _lalr.table_from_lark(_grammar.grammar_text()), "run scripts/grammar_table.py"
    assert _lalr.load_table(_grammar.table_path(), _grammar.grammar_text()) == _grammar.parse_table()


def test_a_table_for_another_grammar_is_not_used(tmp_path):
    path = tmp_path / "table.json"
    path.write_text(_grammar.table_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert _lalr.load_table(path, _grammar.grammar_text()) is not None
    assert _lalr.load_table(path, _grammar.grammar_text() + "\n// changed\n") is None
    for damage in ("{", "[]", json.dumps({"format": 99})):
        path.write_text(damage, encoding="utf-8")
        assert _lalr.load_table(path, _grammar.grammar_text()) is None


def _lark_plan(kinds: list[str]):
    """The plan from Lark's own parser and tree, or the index where Lark stops (None: at the end)."""
    from lark import Lark, Token
    from lark.exceptions import UnexpectedToken
    from lark.lexer import Lexer

    class Feed(Lexer):
        def __init__(self, conf):
            pass

        def lex(self, data):
            for i, kind in enumerate(data.kinds):
                yield Token(kind, "x", start_pos=i)

    global _LARK
    if _LARK is None:
        _LARK = Lark(_grammar.grammar_text(), parser="lalr", lexer=Feed)

    class Text(str):
        kinds: list[str]

    text = Text("x")
    text.kinds = kinds
    try:
        tree = _LARK.parse(text)
    except UnexpectedToken as err:
        return "error", None if err.token.type == "$END" else err.token.start_pos

    def seq(node, first):
        chunks, seps = [], [first]
        for child in node.children:
            if isinstance(child, Token):
                seps.append(child.start_pos)
            else:
                chunks.append(tuple(t.start_pos for t in child.children))
        return tuple(zip(chunks, seps))

    url, namespaces, leaf, tags = None, [], (), []
    for child in tree.children:
        if isinstance(child, Token):
            if child.type == "URL":
                url = child.start_pos
            else:
                namespaces.append(child.start_pos)
        elif child.data == "leaf":
            leaf = seq(child, None)
        else:
            tags.append(seq(type(child)(child.data, child.children[1:]), child.children[0].start_pos))
    return url, tuple(namespaces), leaf, tuple(tags)


_LARK = None
KINDS = [name for name, _prio, _pattern in _grammar._terminals()]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(KINDS), max_size=14) | st.lists(st.sampled_from(KINDS[2:]), max_size=14))
def test_the_driver_parses_like_lark(kinds):
    """Any sequence of terminals, valid or not: the same plan, or a refusal at the same token."""
    try:
        ours = _lalr.run(_grammar.parse_table(), kinds, _grammar._CALLBACKS)
    except _lalr.ShapeError as err:
        ours = ("error", err.index)
    assert ours == _lark_plan(kinds)


def _real_names() -> list[str]:
    names = [
        json.loads(line)["name"]
        for f in sorted(FIXTURES.glob("*.jsonl"))
        for line in f.open()
        if line.strip()
    ]
    if CORPUS.is_file():
        names += [line.split("\t", 1)[0] for line in CORPUS.read_text(encoding="utf-8").splitlines()[1:]]
    return names


def test_the_driver_parses_real_shapes_like_lark():
    """Every distinct shape of the fixtures and the corpus (when it is beside the project)."""
    shapes = set()
    for name in _real_names():
        try:
            pieces = _grammar.lex(_grammar.check(name))
        except modelname.InvalidModelName:
            continue
        shapes.add(tuple(p.kind for p in pieces))
    assert len(shapes) > 500
    for kinds in shapes:
        try:
            ours = _lalr.run(_grammar.parse_table(), kinds, _grammar._CALLBACKS)
        except _lalr.ShapeError as err:
            ours = ("error", err.index)
        assert ours == _lark_plan(list(kinds)), kinds


def test_explain_does_not_import_lark():
    code = "import sys, modelname; modelname.parse('Qwen2.5-7B-Instruct'); print('lark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
