"""Write the grammar's LALR table as JSON beside it (run after every change to grammar/modelname.lark).

    .venv/bin/python scripts/grammar_table.py           # write grammar/modelname.table.json
    .venv/bin/python scripts/grammar_table.py --check   # exit 1 if the stored table is not the grammar's

Lark builds the table; modelname reads it at run time without importing Lark (see src/modelname/_lalr.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from modelname import _lalr  # noqa: E402

GRAMMAR = ROOT / "grammar" / "modelname.lark"
TABLE = ROOT / "grammar" / "modelname.table.json"


def render(grammar: str) -> str:
    return json.dumps(_lalr.table_from_lark(grammar), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the stored table is up to date")
    opts = parser.parse_args()
    text = render(GRAMMAR.read_text(encoding="utf-8"))
    if opts.check:
        current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
        if current != text:
            print(f"{TABLE.relative_to(ROOT)} is not the table of the grammar: run scripts/grammar_table.py")
            return 1
        print(f"{TABLE.relative_to(ROOT)} is up to date")
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
