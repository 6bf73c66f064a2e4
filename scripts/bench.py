"""Print modelname's speed and memory figures (issue 11), every ratio measured in one run.

    .venv/bin/python scripts/bench.py            # parse, start-up, annotate up to 1,000,000 names (~10 min)
    .venv/bin/python scripts/bench.py --quick    # annotate up to 100,000 names only (~1 min)
    .venv/bin/python scripts/bench.py --parts parse,startup
    .venv/bin/python scripts/bench.py --compare 9479339   # the same parts for an older commit, in this run

1. parse — µs per distinct name (the result cache emptied before each round; the cache of grammar
   plans, which holds shapes and not names, stays warm as it does in a long run) for ``parse``,
   gguf's own name heuristic (``gguf.Metadata.get_model_id_components``) and a floor: ``re.split`` into
   words and one dict lookup per word.  Medians of 3 rounds over the same real names, in one process.
   Then where parse's time goes, stage by stage.
2. start-up — wall time of ``modelname explain NAME`` in a fresh process against ``python -c pass`` and
   ``python -c "import pydantic, click"``; medians of interleaved runs.
3. annotate — rows/s and peak RSS of ``modelname annotate`` on generated distinct names (Hub repo ids,
   GGUF files, Ollama tags) at 10,000, 100,000 and 1,000,000 rows with ``--jobs 1`` and ``--jobs 2``,
   to JSON lines and Parquet.  Peak RSS is each process's own (VmHWM), the largest over the main
   process and its workers.

Names come from ``../shared/corpus/names.tsv`` when it is there, else from ``fixtures/``.

``--compare REF`` checks REF out into a temporary git worktree and runs every part for it and for
this checkout, one after the other in the same run, then prints a before/after table.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_annotate  # noqa: E402  (the listing generator and the process sampler)

EXPLAIN_NAME = "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"


def real_names(count: int, seed: int) -> tuple[list[str], list[str]]:
    """``count`` distinct real names to time, and others to warm up with."""
    corpus = ROOT.parent / "shared" / "corpus" / "names.tsv"
    if corpus.exists():
        with corpus.open(encoding="utf-8") as f:
            names = [line.split("\t", 1)[0] for line in list(f)[1:]]
    else:
        names = []
        for path in sorted((ROOT / "fixtures").glob("*.jsonl")):
            names += [json.loads(line)["name"] for line in path.open(encoding="utf-8") if line.strip()]
    names = sorted(set(names))
    random.Random(seed).shuffle(names)
    return names[:count], names[count : count + 500]


# --------------------------------------------------------------------------- 1. parse


def _per_name(run: Callable[[], None], count: int, before: Callable[[], None] | None = None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / count * 1e6


def bench_parse(count: int, seed: int) -> dict[str, float]:
    import modelname
    from modelname import _parse

    names, warm = real_names(count, seed)

    def clear() -> None:  # the result cache (whatever an older checkout called it), not the plan cache
        for value in vars(_parse).values():
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()

    for name in warm:
        try:
            modelname.parse(name)
        except modelname.InvalidModelName:
            pass

    def ours() -> None:
        parse = modelname.parse
        for name in names:
            try:
                parse(name)
            except modelname.InvalidModelName:
                pass

    try:
        from gguf.metadata import Metadata

        heuristic = Metadata.get_model_id_components
    except ImportError:
        heuristic = None

    def peer() -> None:
        for name in names:
            heuristic(name)  # type: ignore[misc]

    words = {w: i for i, w in enumerate("instruct chat gguf q4_k_m 7b 8b awq it base v1 llama qwen".split())}
    split = re.compile(r"[-_./: ]+").split

    def floor() -> None:
        for name in names:
            for word in split(name):
                words.get(word.lower())

    rounds: dict[str, list[float]] = {"parse": [], "gguf": [], "floor": []}
    for _ in range(3):
        rounds["parse"].append(_per_name(ours, len(names), clear))
        if heuristic is not None:
            rounds["gguf"].append(_per_name(peer, len(names)))
        rounds["floor"].append(_per_name(floor, len(names)))
    result = {k: statistics.median(v) for k, v in rounds.items() if v}
    print(f"\n== parse: {len(names):,} distinct real names, µs per name (median of 3 rounds; the rounds)")
    for label, key in [
        ("modelname.parse", "parse"),
        ("gguf Metadata.get_model_id_components", "gguf"),
        ("floor: re.split + a dict lookup per word", "floor"),
    ]:
        if key in result:
            shown = ", ".join(f"{x:.1f}" for x in rounds[key])
            print(f"  {label:<44}{result[key]:>8.1f}   ({shown})")
        else:
            print(f"  {label:<44}{'—':>8}   (pip install gguf to compare)")
    if "gguf" in result:
        print(f"  parse / gguf: {result['parse'] / result['gguf']:.2f}×   (target ≤ 2×)")
    try:
        stages(names)
    except ImportError:  # an older checkout without these stages
        print("  (no stage timings: this checkout has no separate stages)")
    return result


def stages(names: list[str]) -> None:
    """Where parse's time goes: each stage timed on its own input, over the same names."""
    from modelname import InvalidModelName
    from modelname._grammar import check, lex, skeleton
    from modelname._parse import _build
    from modelname._read import read

    texts = []
    for name in names:
        try:
            text = check(name)
            skeleton(text)
            texts.append((name, text))
        except InvalidModelName:
            pass
    skeletons = [(n, skeleton(t)) for n, t in texts]
    readings = [(n, read(s)) for n, s in skeletons]
    timed: list[tuple[str, Callable[[], object]]] = [
        ("check (control characters, length)", lambda: [check(n) for n, _ in texts]),
        ("lex (pieces)", lambda: [lex(t) for _, t in texts]),
        ("skeleton (lex + grammar plan + chunks)", lambda: [skeleton(t) for _, t in texts]),
        ("read (the reading stages)", lambda: [read(s) for _, s in skeletons]),
        ("build (the ModelName)", lambda: [_build(n, r) for n, r in readings]),
    ]
    print(f"  stages, µs per name (median of 3; {len(texts):,} names that parse; the inputs held are frozen")
    print("  out of the garbage collector's reach, as a stage's own input would not be held at all):")
    gc.collect()
    gc.freeze()
    for label, run in timed:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) / len(texts) * 1e6)
        print(f"    {label:<42}{statistics.median(times):>8.1f}")
    gc.unfreeze()
    gc.collect()


# --------------------------------------------------------------------------- 2. start-up


# As an installed package runs: with its bytecode written (pip writes it at install; a checkout
# run with PYTHONDONTWRITEBYTECODE=1 would compile every module at every start).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=_ENV)
    return time.perf_counter() - start


_ONE_MODEL = """import pydantic, click
from pydantic import BaseModel, ConfigDict
class A(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    a: int
    b: str | None = None
"""


def bench_startup(runs: int) -> dict[str, float]:
    explain = [sys.executable, "-m", "modelname"]  # the code on sys.path (--compare sets PYTHONPATH)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import pydantic, click"': [sys.executable, "-c", "import pydantic, click"],
        "the same + one frozen BaseModel (floor of a pydantic result)": [sys.executable, "-c", _ONE_MODEL],
        "modelname explain NAME": [*explain, "explain", EXPLAIN_NAME],
        "modelname explain --lang zh (same name)": [*explain, "explain", "--lang", "zh", EXPLAIN_NAME],
    }
    for (
        cmd
    ) in commands.values():  # once each: the tables' cache and the bytecode exist, the files are in memory
        _wall(cmd)
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            times[label].append(_wall(cmd))
    result = {label: statistics.median(t) * 1000 for label, t in times.items()}
    base = result['python -c "import pydantic, click"']
    print(f"\n== start-up: wall ms, median of {runs} interleaved runs")
    for label, ms in result.items():
        print(f"  {label:<58}{ms:>7.0f} ms  {ms / base:>5.2f}× import pydantic, click")
    print("  target: explain ≤ 2× import pydantic, click")
    return result


# --------------------------------------------------------------------------- 3. annotate


def distinct_names(path: Path, count: int, seed: int) -> None:
    """``count`` distinct generated names (repo ids, GGUF files, Ollama tags), one per line."""
    rng = random.Random(seed)
    seen: set[str] = set()
    makers = [bench_annotate.repo_id] * 7 + [bench_annotate.gguf_file] * 2 + [bench_annotate.ollama_tag]
    with path.open("w", encoding="utf-8") as f:
        while len(seen) < count:
            name = rng.choice(makers)(rng)
            if name in seen:  # file names and tags repeat: give them an uploader, as a listing does
                name = f"{bench_annotate.user(rng)}/{name.replace(':', '-')}"
            if name not in seen:
                seen.add(name)
                f.write(name + "\n")


def bench_annotate_rows(sizes: Iterable[int], folder: Path, seed: int) -> list[dict]:
    sizes = sorted(sizes)
    names = folder / "names.txt"
    distinct_names(names, sizes[-1], seed)
    lines = names.read_text(encoding="utf-8").splitlines()
    print(
        f"\n== annotate: generated distinct names, {os.cpu_count()} cores; peak RSS is the largest process's"
    )
    print(
        f"  {'rows':>10} {'jobs':>4} {'output':<8}{'seconds':>9}{'rows/s':>10}{'peak RSS MB':>13}{'all MB':>8}"
    )
    results = []
    for size in sizes:
        part = folder / f"names_{size}.txt"
        part.write_text("\n".join(lines[:size]) + "\n", encoding="utf-8")
        for fmt in ("jsonl", "parquet"):
            for jobs in (1, 2):
                out = folder / f"out.{fmt}"
                r = bench_annotate.run([str(part), "-o", str(out), "--jobs", str(jobs)])
                if r["rows"] != size:
                    raise SystemExit(f"{size:,} names in, {r['rows']:,} rows out")
                peak = max(r["main_mb"], r["worker_mb"])
                print(
                    f"  {size:>10,} {jobs:>4} {fmt:<8}{r['seconds']:>9.1f}{size / r['seconds']:>10,.0f}"
                    f"{peak:>13.0f}{r['tree_mb']:>8.0f}"
                )
                results.append({"rows": size, "jobs": jobs, "format": fmt, **r, "peak_mb": peak})
                out.unlink()
        part.unlink()
    names.unlink()
    for fmt in ("jsonl", "parquet"):
        for jobs in (1, 2):
            runs = [r for r in results if r["format"] == fmt and r["jobs"] == jobs]
            if len(runs) >= 2:
                small, big = runs[-2], runs[-1]
                print(
                    f"  {fmt}, jobs {jobs}: peak RSS {small['peak_mb']:.0f} MB at {small['rows']:,} rows, "
                    f"{big['peak_mb']:.0f} MB at {big['rows']:,} ({big['peak_mb'] / small['peak_mb'] - 1:+.0%})"
                )
    print(
        "  targets: 1,000,000 rows with --jobs 2 in ≤ 60 s; peak RSS < 200 MB and within 10% from 100k to 1M"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parts", default="parse,startup,annotate", help="comma-separated: parse, startup, annotate"
    )
    parser.add_argument("--quick", action="store_true", help="annotate up to 100,000 rows")
    parser.add_argument("--names", type=int, default=6000, help="real names to parse (default 6,000)")
    parser.add_argument("--runs", type=int, default=10, help="start-up runs of each command (default 10)")
    parser.add_argument(
        "--rows", default=None, help="annotate sizes, comma-separated (default 10000,100000,1000000)"
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--compare", metavar="REF", help="also run every part for this git commit, and compare"
    )
    parser.add_argument("--json", help=argparse.SUPPRESS)  # where a --compare child writes its figures
    opts = parser.parse_args()
    parts = {p.strip() for p in opts.parts.split(",")}
    import modelname

    print(
        f"modelname {modelname.__version__} at {Path(modelname.__file__).parent} ({bench_annotate_revision()}), "
        f"python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores"
    )
    sizes = [10_000, 100_000] if opts.quick else [10_000, 100_000, 1_000_000]
    if opts.rows:
        sizes = [int(x) for x in opts.rows.split(",")]
    opts.sizes = sizes
    if opts.compare:
        compare(opts, parts)
        return
    results: dict[str, object] = {}
    if "parse" in parts:
        results["parse"] = bench_parse(opts.names, opts.seed)
    if "startup" in parts:
        results["startup"] = bench_startup(opts.runs)
    if "annotate" in parts:
        with tempfile.TemporaryDirectory(prefix="modelname-bench.") as folder:
            results["annotate"] = [
                {k: r[k] for k in ("rows", "jobs", "format", "seconds", "peak_mb")}
                for r in bench_annotate_rows(sizes, Path(folder), opts.seed)
            ]
    if opts.json:
        Path(opts.json).write_text(json.dumps(results), encoding="utf-8")


def compare(opts: argparse.Namespace, parts: set[str]) -> None:
    """Every part for the commit ``opts.compare`` (a temporary worktree) and for this checkout."""
    with tempfile.TemporaryDirectory(prefix="modelname-compare.") as folder:
        tree = Path(folder) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), opts.compare],
            check=True,
            capture_output=True,
        )
        try:
            found = {}
            for label, pythonpath in (("before", str(tree / "src")), ("after", str(ROOT / "src"))):
                env = dict(_ENV)
                if pythonpath:
                    env["PYTHONPATH"] = pythonpath
                out = Path(folder) / f"{label}.json"
                cmd = [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--parts",
                    ",".join(sorted(parts)),
                    "--names",
                    str(opts.names),
                    "--runs",
                    str(opts.runs),
                    "--seed",
                    str(opts.seed),
                    "--rows",
                    ",".join(map(str, opts.sizes)),
                    "--json",
                    str(out),
                ]
                print(
                    f"\n######## {label}: {opts.compare if label == 'before' else 'this checkout'}",
                    flush=True,
                )
                subprocess.run(cmd, env=env, check=True)
                found[label] = json.loads(out.read_text(encoding="utf-8"))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    print_comparison(found["before"], found["after"], opts.compare)


def print_comparison(before: dict, after: dict, ref: str) -> None:
    print(f"\n== before ({ref}) and after (this checkout), measured in this run")
    print(f"  {'what':<52}{'before':>12}{'after':>12}{'change':>9}")

    def row(what: str, b: float | None, a: float | None, unit: str) -> None:
        if b is None or a is None:
            return
        print(f"  {what:<52}{b:>10.1f} {unit:<1}{a:>10.1f} {unit:<1}{a / b - 1:>+9.0%}")

    if "parse" in before:
        row("parse, µs per distinct name", before["parse"].get("parse"), after["parse"].get("parse"), "")
        row("  gguf heuristic, µs (same names)", before["parse"].get("gguf"), after["parse"].get("gguf"), "")
    if "startup" in before:
        for key in before["startup"]:
            row(f"start-up: {key[:40]} (ms)", before["startup"][key], after["startup"].get(key), "")
    if "annotate" in before:
        for b in before["annotate"]:
            a = next(
                (x for x in after["annotate"] if all(x[k] == b[k] for k in ("rows", "jobs", "format"))), None
            )
            if a is not None:
                what = f"annotate {b['rows']:,} {b['format']} jobs {b['jobs']}"
                row(f"{what}, rows/s", b["rows"] / b["seconds"], a["rows"] / a["seconds"], "")
                row(f"{what}, peak RSS MB", b["peak_mb"], a["peak_mb"], "")


def modelname_file() -> str:
    import modelname

    return modelname.__file__ or str(ROOT)


def bench_annotate_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(Path(modelname_file()).parent), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
        return f"commit {out.stdout.strip()}"
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"


if __name__ == "__main__":
    main()
