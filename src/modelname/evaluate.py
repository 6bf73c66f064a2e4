"""Accuracy report over hand-labelled fixtures.

    python -m modelname.evaluate fixtures/            # every *.jsonl below it
    python -m modelname.evaluate fixtures/hard_cases.jsonl --wrong 50

Prints, per field, how many labelled values the parser gets right, then lists
the wrong ones.  Fixture format: see fixtures/README.md.  The test suite uses
:func:`compare` for the same judgement, so the report and the tests agree.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

__all__ = ["Fixture", "load_fixtures", "compare", "Mismatch", "report"]

META_KEYS = ("name", "xfail", "note")


@dataclass(frozen=True)
class Fixture:
    path: str
    line: int
    name: str
    expected: dict[str, Any]
    xfail: str | None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Mismatch:
    field: str
    expected: Any
    actual: Any


def load_fixtures(paths: Iterable[str | Path]) -> Iterator[Fixture]:
    """Rows of every ``*.jsonl`` file (directories are searched, sorted by name)."""
    for path in paths:
        path = Path(path)
        files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
        for f in files:
            with f.open(encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip() or line.lstrip().startswith("//"):
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as err:
                        raise ValueError(f"{f}:{n}: not valid JSON: {err}") from None
                    if "name" not in row:
                        raise ValueError(f"{f}:{n}: a fixture row needs a 'name'")
                    expected = {k: v for k, v in row.items() if k not in META_KEYS}
                    yield Fixture(str(f), n, row["name"], expected, row.get("xfail"))


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        try:
            return abs(float(expected) - float(actual)) <= 1e-9 * max(1.0, abs(float(expected)))
        except (TypeError, ValueError):
            return False
    if expected == [] and actual in (None, []):
        return True
    return bool(expected == actual)


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[Mismatch]:
    """Mismatches between a fixture's expected fields and ``model_dump(mode="json")``.

    Objects are compared on the keys the fixture gives (``null`` means the whole
    object must be absent); lists and scalars must be equal.
    """
    out: list[Mismatch] = []
    for field, want in expected.items():
        got = actual.get(field)
        if isinstance(want, dict):
            if not isinstance(got, dict):
                out.append(Mismatch(field, want, got))
                continue
            for sub, sub_want in want.items():
                if not _same(sub_want, got.get(sub)):
                    out.append(Mismatch(f"{field}.{sub}", sub_want, got.get(sub)))
        elif isinstance(want, list) and want and all(isinstance(w, dict) for w in want):
            # a list of objects (warnings): as many, each on the keys the fixture gives
            if not isinstance(got, list) or len(got) != len(want):
                out.append(Mismatch(field, want, got))
                continue
            for i, (w, g) in enumerate(zip(want, got)):
                for sub, sub_want in w.items():
                    if not isinstance(g, dict) or not _same(sub_want, g.get(sub)):
                        out.append(
                            Mismatch(
                                f"{field}[{i}].{sub}", sub_want, g.get(sub) if isinstance(g, dict) else g
                            )
                        )
        elif not _same(want, got):
            out.append(Mismatch(field, want, got))
    return out


def _fields(expected: dict[str, Any]) -> Iterator[str]:
    for field, want in expected.items():
        if isinstance(want, dict):
            for sub in want:
                yield f"{field}.{sub}"
        else:
            yield field


def report(paths: Iterable[str | Path], wrong: int = 30, out: Any = None) -> float:
    """Print the accuracy report; return the share of labelled field values that are right."""
    from ._parse import parse
    from .errors import InvalidModelName

    out = out or sys.stdout
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    rows = 0
    wrong_rows: list[tuple[Fixture, list[Mismatch]]] = []
    for fx in load_fixtures(paths):
        rows += 1
        try:
            actual = parse(fx.name).model_dump(mode="json")
        except InvalidModelName as err:
            actual = {"error": err.reason}
        bad = compare(fx.expected, actual)
        bad_fields = {m.field for m in bad}
        for field in _fields(fx.expected):
            total[field.split(".")[0]] += 1
            if field not in bad_fields:
                right[field.split(".")[0]] += 1
        if bad:
            wrong_rows.append((fx, bad))
    all_total, all_right = sum(total.values()), sum(right.values())
    share = all_right / all_total if all_total else 1.0
    print(
        f"{rows} fixture rows, {all_total} labelled field values, {all_right} right ({100 * share:.2f}%)",
        file=out,
    )
    print(file=out)
    print(f"{'field':16s} {'right':>7s} {'of':>7s} {'share':>8s}", file=out)
    for field in sorted(total, key=lambda f: (-total[f], f)):
        print(
            f"{field:16s} {right[field]:7d} {total[field]:7d} {100 * right[field] / total[field]:7.1f}%",
            file=out,
        )
    if wrong_rows and wrong:
        xfails = sum(1 for fx, _ in wrong_rows if fx.xfail)
        print(
            f"\n{len(wrong_rows)} rows with a wrong value ({xfails} of them known gaps, marked xfail):",
            file=out,
        )
        for fx, bad in wrong_rows[:wrong]:
            mark = " [xfail]" if fx.xfail else ""
            print(f"  {fx.where}  {fx.name}{mark}", file=out)
            for m in bad:
                print(f"      {m.field}: expected {m.expected!r}, got {m.actual!r}", file=out)
        if len(wrong_rows) > wrong:
            print(f"  … and {len(wrong_rows) - wrong} more (use --wrong N)", file=out)
    return share


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--wrong", default=30, show_default=True, help="How many wrong rows to list.")
@click.option(
    "--min", "minimum", type=float, default=None, help="Exit 1 when the share right is below this (0-1)."
)
def main(paths: tuple[str, ...], wrong: int, minimum: float | None) -> None:
    """Print per-field accuracy of the parser on fixture files (default: fixtures/)."""
    share = report(paths or ("fixtures",), wrong)
    if minimum is not None and share < minimum:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
