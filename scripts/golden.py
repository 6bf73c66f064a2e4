"""Snapshot what the parser answers, and compare a later run with the snapshot.

    .venv/bin/python scripts/golden.py write SNAPSHOT.jsonl.gz [--corpus PATH]
    .venv/bin/python scripts/golden.py check SNAPSHOT.jsonl.gz [--corpus PATH] [--show N]

For every fixture name (``fixtures/*.jsonl``) and every corpus name (``../shared/corpus/names.tsv``)
the snapshot holds ``parse(name).model_dump(mode="json")`` (with the computed ``canonical`` and
``explanations``), the memory estimate, and the error for names refused as invalid.  ``check``
prints, per JSON key, how many names changed, then the first N differences in full; it exits 1
when anything differs.  Keys added to the dump since the snapshot are reported but do not count
as changes; a key that disappeared does.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import sys
from pathlib import Path

import modelname

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "names.tsv"


def names(corpus: Path) -> list[str]:
    seen: dict[str, None] = {}
    for path in sorted((ROOT / "fixtures").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.setdefault(json.loads(line)["name"], None)
    if corpus.is_file():
        with corpus.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                seen.setdefault(row["name"], None)
    return list(seen)


def answer(name: str) -> dict:
    try:
        m = modelname.parse(name)
    except modelname.InvalidModelName as err:
        return {"name": name, "error": err.to_dict()}
    out = m.model_dump(mode="json")
    try:
        out["_memory"] = m.estimate_memory().model_dump(mode="json")
    except Exception as err:  # noqa: BLE001 - recorded, so a change is seen
        out["_memory"] = f"{type(err).__name__}: {err}"
    return out


def write(path: Path, corpus: Path) -> int:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        n = 0
        for name in names(corpus):
            fh.write(json.dumps(answer(name), ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    print(f"wrote {n} answers to {path}")
    return 0


def check(path: Path, corpus: Path, show: int) -> int:
    old = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            old[row["name"]] = row
    changed: collections.Counter[str] = collections.Counter()
    added: collections.Counter[str] = collections.Counter()
    examples: list[tuple[str, str, object, object]] = []
    missing = 0
    for name in names(corpus):
        if name not in old:
            missing += 1
            continue
        before, now = old[name], json.loads(json.dumps(answer(name), ensure_ascii=False))
        for key in sorted(set(before) | set(now)):
            if key not in before:
                added[key] += 1
            elif before.get(key, "<absent>") != now.get(key, "<absent>"):
                changed[key] += 1
                if len(examples) < show:
                    examples.append((name, key, before.get(key, "<absent>"), now.get(key, "<absent>")))
    print(f"{len(old)} names in the snapshot; {missing} names not in it")
    for key, n in changed.most_common():
        print(f"  changed  {key:<16} {n:6d}")
    for key, n in added.most_common():
        print(f"  added    {key:<16} {n:6d}")
    for name, key, before, now in examples:
        print(
            f"\n{name}  [{key}]\n  was: {json.dumps(before, ensure_ascii=False)}\n  now: {json.dumps(now, ensure_ascii=False)}"
        )
    if not changed:
        print("identical on every existing key")
    return 1 if changed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["write", "check"])
    ap.add_argument("snapshot", type=Path)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show", type=int, default=20)
    args = ap.parse_args()
    if args.action == "write":
        return write(args.snapshot, args.corpus)
    return check(args.snapshot, args.corpus, args.show)


if __name__ == "__main__":
    sys.exit(main())
