"""How the parser does on the shared corpus of real names (../shared/corpus/names.tsv).

    .venv/bin/python scripts/corpus_report.py [PATH]

Prints, per kind of name: rows, exceptions other than InvalidModelName, names refused as invalid,
the share with nothing unrecognized, the share with a family the tables know, and the share with any
family (a known one, or a leading word taken as the model's own name).  Exits 1 if any name raised
an exception other than InvalidModelName.
"""

from __future__ import annotations

import collections
import csv
import sys
import time
from pathlib import Path

import modelname

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "names.tsv"


def main(path: Path) -> int:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    total: collections.Counter[str] = collections.Counter()
    full: collections.Counter[str] = collections.Counter()
    known: collections.Counter[str] = collections.Counter()
    anyfam: collections.Counter[str] = collections.Counter()
    invalid: collections.Counter[str] = collections.Counter()
    crashes: list[str] = []
    start = time.perf_counter()
    for row in rows:
        kind = row["kind"]
        total[kind] += 1
        try:
            m = modelname.parse(row["name"])
        except modelname.InvalidModelName:
            invalid[kind] += 1
            continue
        except Exception as err:  # noqa: BLE001 - counting exactly these
            crashes.append(f"{row['name']}: {type(err).__name__}: {err}")
            continue
        full[kind] += not m.unrecognized
        known[kind] += m.source_of("family") == "table"
        anyfam[kind] += m.family is not None
    seconds = time.perf_counter() - start
    print(
        f"{'kind':11s} {'rows':>7s} {'errors':>7s} {'invalid':>8s} {'nothing unrecognized':>21s} "
        f"{'known family':>13s} {'any family':>11s}"
    )
    for kind in [*sorted(total), "all"]:
        n = sum(total.values()) if kind == "all" else total[kind]
        pick = (lambda c: sum(c.values())) if kind == "all" else (lambda c, kind=kind: c[kind])
        errors = len(crashes) if kind == "all" else "-"
        print(
            f"{kind:11s} {n:7d} {errors!s:>7s} {pick(invalid):8d} {100 * pick(full) / n:20.2f}% "
            f"{100 * pick(known) / n:12.2f}% {100 * pick(anyfam) / n:10.2f}%"
        )
    print(
        f"{len(rows)} names in {seconds:.1f} s ({1e6 * seconds / len(rows):.0f} µs per name, with the result cache)"
    )
    for line in crashes[:20]:
        print("  exception:", line)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
