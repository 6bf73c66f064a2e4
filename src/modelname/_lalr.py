"""The grammar's LALR parse table, stored as JSON, and a small driver that runs it.

Lark builds the table from ``grammar/modelname.lark``; ``scripts/grammar_table.py`` writes it to
``grammar/modelname.table.json`` (shipped in the wheel beside the grammar) with the grammar's
CRC-32 (a check that the table is this grammar's, not a seal).  At run time the table is read as data — no Lark import, no grammar compilation, no
pickle.  A table written for another grammar text is not used: :func:`table` builds a fresh one
with Lark then (slowly; a test fails until the file is written again).

The driver shapes results as Lark's tree builder does for this grammar: rules whose name starts
with ``_`` (including Lark's helpers for ``*`` and ``+``) are inlined into their parent, every
token is kept, and every other rule's children go to the callback of that rule's name.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["Table", "Tok", "ShapeError", "table_from_lark", "load_table", "run"]

END = "$END"
SHIFT, REDUCE = 0, 1
TABLE_FORMAT = 2


class Tok(NamedTuple):
    """A token given to a callback: its terminal and its index in the input."""

    kind: str
    index: int


class ShapeError(Exception):
    """The sequence does not fit the grammar; ``index`` is the offending token's (None: it ended early)."""

    def __init__(self, index: int | None) -> None:
        super().__init__(index)
        self.index = index


class Table(NamedTuple):
    states: list[dict[str, tuple[int, int]]]
    rules: list[tuple[str, int]]  # (rule name, number of symbols)
    start: int
    end: int


def grammar_digest(text: str) -> str:
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def table_from_lark(grammar: str) -> dict[str, Any]:
    """The JSON form of Lark's LALR table for ``grammar`` (needs Lark)."""
    from lark import Lark
    from lark.lexer import Lexer

    class NoLexer(Lexer):  # only the parse table is wanted: skip building Lark's lexer
        def __init__(self, conf: Any) -> None:
            pass

        def lex(self, data: Any) -> Any:  # type: ignore[override]  # pragma: no cover
            raise NotImplementedError

    lark = Lark(grammar, parser="lalr", lexer=NoLexer)
    for rule in lark.rules:
        opts = rule.options
        if rule.alias or opts.keep_all_tokens or opts.expand1 or getattr(rule.origin, "name", "")[:1] == "?":
            raise ValueError(f"the table driver does not shape rule {rule} the way Lark does (alias, !, ?)")
    if any(t.name.startswith("_") for t in lark.terminals):
        raise ValueError("the table driver keeps every token; a terminal named _X would be filtered by Lark")
    parse_table = lark.parser.parser.parser.parse_table
    # Lark numbers states and orders rules by set iteration, which varies between runs: number them
    # again in an order of their own (rules by text, states breadth-first from the start, symbols
    # sorted), so the same grammar always gives the same file.
    rules = sorted(lark.rules, key=lambda r: (r.origin.name, [x.name for x in r.expansion]))
    rule_index = {rule: i for i, rule in enumerate(rules)}
    start = parse_table.start_states["start"]
    order, queue = {start: 0}, [start]
    for state in queue:
        for symbol in sorted(parse_table.states[state]):
            action, arg = parse_table.states[state][symbol]
            if action.name == "Shift" and arg not in order:
                order[arg] = len(order)
                queue.append(arg)
    states: list[dict[str, list[int]]] = [{} for _ in order]
    for state, number in order.items():
        for symbol, (action, arg) in sorted(parse_table.states[state].items()):
            if action.name == "Shift":
                states[number][symbol] = [SHIFT, order[arg]]
            else:
                states[number][symbol] = [REDUCE, rule_index[arg]]
    return {
        "about": "the LALR table of grammar/modelname.lark, written by scripts/grammar_table.py; do not edit",
        "format": TABLE_FORMAT,
        "grammar_crc32": grammar_digest(grammar),
        "rules": [[rule.origin.name, len(rule.expansion)] for rule in rules],
        "states": states,
        "start": 0,
        "end": order[parse_table.end_states["start"]],
    }


def load_table(path: Path, grammar: str) -> Table | None:
    """The table stored at ``path`` if it was written for this grammar text, else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != TABLE_FORMAT:
        return None
    if data.get("grammar_crc32") != grammar_digest(grammar):
        return None
    return _table(data)


def _table(data: dict[str, Any]) -> Table:
    states = [{symbol: (int(a), int(b)) for symbol, (a, b) in s.items()} for s in data["states"]]
    rules = [(str(name), int(size)) for name, size in data["rules"]]
    return Table(states, rules, int(data["start"]), int(data["end"]))


def run(table: Table, kinds: Sequence[str], callbacks: dict[str, Callable[[list[Any]], Any]]) -> Any:
    """Parse the token kinds; return the start rule's callback result.

    Raises :class:`ShapeError` at the first token no state accepts (or at the end).
    """
    states, rules, end = table.states, table.rules, table.end
    stack = [table.start]
    values: list[Any] = []
    last = len(kinds)
    for i in range(last + 1):
        kind = kinds[i] if i < last else END
        while True:
            action = states[stack[-1]].get(kind)
            if action is None:
                raise ShapeError(i if i < last else None)
            if action[0] == SHIFT:
                stack.append(action[1])
                values.append(Tok(kind, i))
                break
            name, size = rules[action[1]]
            children: list[Any] = []
            if size:
                for value in values[-size:]:
                    if type(value) is list:  # an inlined rule's children
                        children.extend(value)
                    else:
                        children.append(value)
                del stack[-size:]
                del values[-size:]
            value = children if name[0] == "_" else callbacks[name](children)
            goto = states[stack[-1]].get(name)
            if goto is None:  # pragma: no cover - a table from Lark always has its gotos
                raise ShapeError(i if i < last else None)
            if i == last and goto[1] == end:
                return value
            stack.append(goto[1])
            values.append(value)
    raise ShapeError(None)  # pragma: no cover - the end token either reduces to the start or fails
