"""Load the Lark grammar and turn a name into its skeleton of shapes.

Pipeline (all private; the public entry point is :func:`modelname.parse`)::

    text --lex--> pieces --LALR parse (cached by shape)--> plan --> Skeleton

* **Lexing** uses one compiled regular expression built from the grammar's own
  terminal definitions, tried in priority order (highest first).  The text up to
  the last ``/`` can only hold path terminals (URL, NAMESPACE); the rest only
  name terminals, so the two parts are matched with separate expressions.
* **Parsing** runs the grammar's LALR table (built by Lark, stored as JSON beside the
  grammar; :mod:`modelname._lalr`).  The structure it produces depends only on the
  sequence of terminal *types*, never on their text, so the structure ("plan": which
  pieces form which chunk, namespace, tag ...) is cached by that type sequence.  Real
  listings reuse a few thousand shapes, so most names never reach the parser.
* :data:`_CALLBACKS` (one function per grammar rule) turn the parse into a plan of
  piece indices; :func:`skeleton` fills the plan with the pieces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from . import _lalr
from .errors import InvalidModelName

__all__ = ["Piece", "Chunk", "Skeleton", "skeleton", "grammar_text", "grammar_path", "MAX_LENGTH"]

MAX_LENGTH = 512
PATH_TERMINALS = ("URL", "NAMESPACE")


class Piece(NamedTuple):
    """One terminal: its type (``WORD``, ``SIZE`` ...), its text and where it starts."""

    kind: str
    text: str
    start: int


class Chunk:
    """Pieces with no separator between them (``Qwen2.5`` = WORD NUM).

    ``text``, ``kinds`` and ``key`` (lower-case lookup spelling) are computed once,
    because the reader asks for them many times.
    """

    __slots__ = ("pieces", "sep", "text", "kinds", "key")

    def __init__(self, pieces: tuple[Piece, ...], sep: str, kinds: tuple[str, ...] | None = None) -> None:
        self.pieces = pieces
        self.sep = sep  # the separator text before this chunk ("" for the first one)
        self.text = text = "".join([p.text for p in pieces]) if len(pieces) > 1 else pieces[0].text
        self.kinds = tuple([p.kind for p in pieces]) if kinds is None else kinds
        self.key = text.lower().replace("_", "-") if "_" in text else text.lower()

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        last = self.pieces[-1]
        return last.start + len(last.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Chunk) and (self.pieces, self.sep) == (other.pieces, other.sep)

    def __hash__(self) -> int:
        return hash((self.pieces, self.sep))

    def __repr__(self) -> str:
        return f"Chunk({self.sep!r}{self.text!r})"


class Skeleton(NamedTuple):
    """The structure of one name, before any word is given a meaning."""

    text: str
    url: Piece | None
    namespaces: tuple[Piece, ...]
    leaf: tuple[Chunk, ...]
    tags: tuple[tuple[Chunk, ...], ...]


# --------------------------------------------------------------------------
# Grammar file and the lexer built from it
# --------------------------------------------------------------------------


def grammar_path() -> Path:
    """Where the grammar is: inside the installed package, else the repository's ``grammar/``."""
    packaged = Path(__file__).with_name("grammar") / "modelname.lark"  # where the wheel puts it
    if packaged.is_file():
        return packaged
    # Editable install / source checkout: src/modelname/ -> ../../grammar/
    repo = Path(__file__).resolve().parents[2] / "grammar" / "modelname.lark"
    if repo.is_file():
        return repo
    raise FileNotFoundError(
        "modelname's grammar file (grammar/modelname.lark) is missing from this installation"
    )


@lru_cache(maxsize=1)
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


_TERMINAL_RE = re.compile(r"^([A-Z_]+)\.(\d+):\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=1)
def _terminals() -> tuple[tuple[str, int, str], ...]:
    """(name, priority, regex) of every terminal in the grammar, highest priority first.

    Read straight from the grammar text so that importing Lark is not needed for
    lexing.  A test checks this reading against Lark's own.
    """
    found = []
    for name, prio, body in _TERMINAL_RE.findall(grammar_text()):
        if body.startswith('"'):
            pattern = re.escape(body.strip('"'))
        else:
            m = re.fullmatch(r"/(.*)/([imsux]*)", body)
            if not m:
                raise ValueError(f"cannot read terminal {name} in the grammar: {body!r}")
            pattern, flags = m.group(1).replace(r"\/", "/"), m.group(2)
            if flags:
                pattern = f"(?{flags}:{pattern})"
        found.append((name, int(prio), pattern))
    found.sort(key=lambda t: -t[1])
    return tuple(found)


@lru_cache(maxsize=1)
def _scanners() -> tuple[re.Pattern[str], _Dispatch]:
    path, name = [], []
    for term, _prio, pattern in _terminals():
        (path if term in PATH_TERMINALS else name).append((term, pattern))
    return re.compile("|".join(f"(?P<{t}>{p})" for t, p in path)), _Dispatch(name)


class _Dispatch:
    """The name terminals, tried only where they can start.

    For each character the lexer meets first at a piece's start, the terminals whose first
    character can be it (:func:`_first_char_test`) are joined, in priority order, into one
    expression; that expression matches exactly what the full alternation would, because the
    others cannot match there.  The expressions are cached by character.  A character met for the
    first time is matched with the full alternation (one expression for all), so that reading one
    name — a command line's — compiles one expression, not one per character.
    """

    LIMIT = 4096  # characters remembered; others are looked up each time

    def __init__(self, terminals: list[tuple[str, str]]) -> None:
        self.terminals = terminals
        self.by_char: dict[str, re.Pattern[str]] = {}
        self.by_subset: dict[tuple[int, ...], re.Pattern[str]] = {}
        self.seen: set[str] = set()

    @cached_property
    def tests(self) -> list[Any]:
        return [_first_char_test(pattern) for _name, pattern in self.terminals]

    @cached_property
    def full(self) -> re.Pattern[str]:
        return self.compile(range(len(self.terminals)))

    def compile(self, subset: Iterable[int]) -> re.Pattern[str]:
        return re.compile(
            "|".join(f"(?P<{self.terminals[i][0]}>{self.terminals[i][1]})" for i in subset) or "(?!)"
        )

    def __call__(self, ch: str) -> re.Pattern[str]:
        found = self.by_char.get(ch)
        if found is not None:
            return found
        if ch not in self.seen and len(self.seen) < self.LIMIT:
            self.seen.add(ch)
            return self.full
        subset = tuple(i for i, test in enumerate(self.tests) if test(ch))
        found = self.by_subset.get(subset)
        if found is None:
            found = self.by_subset[subset] = self.compile(subset)
        if len(self.by_char) < self.LIMIT:
            self.by_char[ch] = found
        return found


def _first_char_test(pattern: str) -> Any:
    """A test of whether a character can start a match of ``pattern``: the first characters of its
    parse (lookarounds and anchors are skipped, so the test may say yes too often, never no)."""
    from re import _parser  # type: ignore[attr-defined]

    try:
        items, _nullable = _first_of(_parser.parse(pattern), False)
        patterns = [_item_pattern(*item) for item in items]
    except Exception:  # noqa: BLE001 - an unusual pattern is simply always tried
        return lambda ch: True
    return lambda ch: any(p.fullmatch(ch) is not None for p in patterns)


def _first_of(seq: Any, ignore_case: bool) -> tuple[list[Any], bool]:
    """(first-character items, whether ``seq`` can match the empty string)."""
    from re import _constants as c  # type: ignore[attr-defined]

    items: list[Any] = []
    for op, av in seq:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            items.append((op, av, ignore_case))
            return items, False
        if op is c.BRANCH:
            nullable = False
            for branch in av[1]:
                sub, null = _first_of(branch, ignore_case)
                items.extend(sub)
                nullable = nullable or null
            if not nullable:
                return items, False
        elif op is c.SUBPATTERN:
            add = av[1]
            sub, null = _first_of(av[3], ignore_case or bool(add & re.IGNORECASE))
            items.extend(sub)
            if not null:
                return items, False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            sub, null = _first_of(av[2], ignore_case)
            items.extend(sub)
            if av[0] > 0 and not null:
                return items, False
        else:
            items.append((c.ANY, None, False))  # anything else: assume any character
            return items, False
    return items, True


_CATEGORY_CODES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _item_pattern(op: Any, av: Any, ignore_case: bool) -> re.Pattern[str]:
    """One character's worth of a parsed pattern, compiled again on its own."""
    from re import _constants as c  # type: ignore[attr-defined]

    if op is c.ANY:
        body = "."
    elif op is c.LITERAL:
        body = re.escape(chr(av))
    elif op is c.NOT_LITERAL:
        body = f"[^{re.escape(chr(av))}]"
    else:
        parts = []
        for member, value in av:
            if member is c.NEGATE:
                parts.insert(0, "^")
            elif member is c.LITERAL:
                parts.append(re.escape(chr(value)))
            elif member is c.RANGE:
                parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif member is c.CATEGORY:
                parts.append(_CATEGORY_CODES[str(value)])
        body = "[" + "".join(parts) + "]"
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def _lex_path(scanner: re.Pattern[str], text: str, stop: int, out: list[Piece]) -> None:
    pos = 0
    for m in scanner.finditer(text, 0, stop):
        if m.start() != pos:
            break
        out.append(Piece(m.lastgroup or "", m.group(), pos))
        pos = m.end()
    if pos != stop:
        raise InvalidModelName.at(
            pos, f"unexpected character {text[pos]!r}", text, f"意外的字符 {text[pos]!r}"
        )


def _lex_name(dispatch: _Dispatch, text: str, pos: int, out: list[Piece]) -> None:
    stop = len(text)
    by_char, new, append = dispatch.by_char, tuple.__new__, out.append
    while pos < stop:
        ch = text[pos]
        m = (by_char.get(ch) or dispatch(ch)).match(text, pos)
        if m is None:
            raise InvalidModelName.at(pos, f"unexpected character {ch!r}", text, f"意外的字符 {ch!r}")
        end = m.end()
        append(new(Piece, (m.lastgroup, text[pos:end], pos)))
        pos = end


def lex(text: str) -> list[Piece]:
    """Split ``text`` into pieces; the part before the last ``/`` holds only path pieces."""
    path_scanner, name_dispatch = _scanners()
    out: list[Piece] = []
    cut = text.rfind("/") + 1
    if cut:
        _lex_path(path_scanner, text, cut, out)
    _lex_name(name_dispatch, text, cut, out)
    return out


# --------------------------------------------------------------------------
# Structure: LALR parse of the shape, cached by the sequence of types
# --------------------------------------------------------------------------


def table_path() -> Path:
    """Where the grammar's parse table is (beside the grammar; see :mod:`modelname._lalr`)."""
    return grammar_path().with_name("modelname.table.json")


@lru_cache(maxsize=1)
def parse_table() -> _lalr.Table:
    """The stored parse table; built with Lark when it is missing or was written for another grammar."""
    text = grammar_text()
    table = _lalr.load_table(table_path(), text)
    if table is None:
        table = _lalr._table(_lalr.table_from_lark(text))
    return table


def _chunk(items: list[Any]) -> tuple[int, ...]:
    return tuple([t.index for t in items])


def _separated(items: list[Any], first: int | None) -> tuple[tuple[tuple[int, ...], int | None], ...]:
    """(chunk, index of the separator before it) for a rule of chunks and separators."""
    chunks, seps = [], [first]
    for item in items:
        if type(item) is _lalr.Tok:
            seps.append(item.index)
        else:
            chunks.append(item)
    return tuple(zip(chunks, seps))


def _start(items: list[Any]) -> tuple[Any, ...]:
    url, namespaces, leaf, tags = None, [], (), []
    for item in items:
        if type(item) is _lalr.Tok:
            if item.kind == "URL":
                url = item.index
            else:
                namespaces.append(item.index)
        elif item[0] == "leaf":
            leaf = item[1]
        else:
            tags.append(item[1])
    return (url, tuple(namespaces), leaf, tuple(tags))


_CALLBACKS = {
    "chunk": _chunk,
    "leaf": lambda items: ("leaf", _separated(items, None)),
    "tag": lambda items: (
        "tag",
        _separated(items[1:], items[0].index),
    ),  # the COLON goes before the first chunk
    "start": _start,
}
"""One function per grammar rule: they build the plan from piece indices, never from piece text."""


_PLANS: dict[tuple[str, ...], Any] = {}
_PLAN_LIMIT = 16_384  # about 1.6 KB each; the 32,000 corpus names have 3,000 distinct sequences
_PLAN_PIECES = 32  # longer sequences (no corpus name has over 40 pieces) are parsed every time


def _plan(text: str, pieces: list[Piece]) -> Any:
    """The parse of a sequence of piece kinds, kept for sequences of up to 32 pieces (so hostile
    names cannot fill memory with one-off plans): (url, namespaces, leaf, tags), each chunk of the
    leaf and the tags as (piece indices, separator index, piece kinds)."""
    kinds = tuple([p.kind for p in pieces])
    plan = _PLANS.get(kinds)
    if plan is None:
        url, namespaces, leaf, tags = _parse_plan(text, pieces)

        def layout(chunks: Any) -> tuple[Any, ...]:
            return tuple((idx, sep, tuple([kinds[i] for i in idx])) for idx, sep in chunks)

        plan = (url, namespaces, layout(leaf), tuple(layout(tag) for tag in tags))
        if len(kinds) <= _PLAN_PIECES:
            if len(_PLANS) >= _PLAN_LIMIT:
                _PLANS.clear()
            _PLANS[kinds] = plan
    return plan


def _parse_plan(text: str, pieces: list[Piece]) -> Any:
    try:
        return _lalr.run(parse_table(), [p.kind for p in pieces], _CALLBACKS)
    except _lalr.ShapeError as err:
        if err.index is None:
            pos = len(text)
            last = pieces[-1] if pieces else None
            if last is not None and last.kind == "SEP":
                reason = ("the name ends with a separator", "名称以分隔符结尾")
                pos = last.start
            elif last is not None and last.kind == "COLON":
                reason = ("nothing follows the ':'", "“:”后面没有内容")
                pos = last.start
            elif last is not None and last.kind in PATH_TERMINALS:
                reason = ("nothing follows the '/'", "“/”后面没有内容")
                pos = last.start + len(last.text) - 1
            else:
                reason = ("the name ends too early", "名称在此处意外结束")
        else:
            piece = pieces[err.index]
            pos = piece.start
            reason = _unexpected(piece, pieces, err.index)
        raise InvalidModelName.at(pos, reason[0], text, reason[1]) from None


def _unexpected(piece: Piece, pieces: list[Piece], index: int) -> tuple[str, str]:
    """Why ``piece`` cannot stand where it is, in English and in Chinese."""
    prev = pieces[index - 1] if index else None
    t = piece.text
    if piece.kind == "SEP":
        if prev is None or prev.kind in PATH_TERMINALS or prev.kind == "URL":
            return f"a name cannot start with the separator {t!r}", f"名称不能以分隔符 {t!r} 开头"
        if prev.kind == "COLON":
            return f"a tag cannot start with the separator {t!r}", f"标签不能以分隔符 {t!r} 开头"
        return f"unexpected separator {t!r}", f"意外的分隔符 {t!r}"
    if piece.kind == "COLON":
        if prev is None or prev.kind in PATH_TERMINALS:
            return "a name cannot start with ':'", "名称不能以“:”开头"
        if prev.kind == "COLON":
            return "two ':' in a row", "连续两个“:”"
        return "unexpected ':'", "意外的“:”"
    return f"unexpected {t!r}", f"意外的 {t!r}"


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def check(text: str) -> str:
    """Refuse what cannot be a name; return the text to parse (outer spaces removed)."""
    if len(text) > MAX_LENGTH:
        raise InvalidModelName.at(
            MAX_LENGTH,
            f"the name is {len(text)} characters long; at most {MAX_LENGTH} are accepted",
            text,
            f"名称长 {len(text)} 个字符，最多接受 {MAX_LENGTH} 个",
        )
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InvalidModelName.at(
            bad.start(),
            f"control character {bad.group()!r} in the name",
            text,
            f"名称中有控制字符 {bad.group()!r}",
        )
    stripped = text.strip(" ")
    if not stripped:
        raise InvalidModelName.at(0, "the name is empty", text, "名称为空")
    if _ALNUM.search(stripped) is None:
        raise InvalidModelName.at(0, "the name has no letters or digits", text, "名称中没有字母或数字")
    return stripped


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # Unicode categories Cc and Cs
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts


def skeleton(text: str) -> Skeleton:
    """Lex and parse ``text`` (already checked) into its :class:`Skeleton`."""
    pieces = lex(text)
    url, namespaces, leaf, tags = _plan(text, pieces)
    return Skeleton(
        text,
        pieces[url] if url is not None else None,
        tuple([pieces[i] for i in namespaces]) if namespaces else (),
        _chunks(leaf, pieces),
        tuple([_chunks(tag, pieces) for tag in tags]) if tags else (),
    )


def _chunks(plan: tuple[Any, ...], pieces: list[Piece]) -> tuple[Chunk, ...]:
    return tuple(
        [
            Chunk(
                (pieces[idx[0]],) if len(idx) == 1 else tuple([pieces[i] for i in idx]),
                pieces[sep].text if sep is not None else "",
                kinds,
            )
            for idx, sep, kinds in plan
        ]
    )
