"""Benchmark ``modelname annotate`` on generated listings (issue 5's "done when").

    .venv/bin/python scripts/bench_annotate.py                  # 100,000 records + 1,000,000 names
    .venv/bin/python scripts/bench_annotate.py --names 200000   # smaller, quicker

1. A 100,000-record Hub-style listing (JSON lines, and the same as a JSON array) with broken lines,
   records without an id and invalid names, annotated to JSONL, CSV and Parquet: checks one output
   row per input row, the broken rows flagged, and the summary's counts.
2. A 1,000,000-name plain listing annotated with ``--jobs 1`` and ``--jobs 2`` in the same run (times
   are comparable), and a tenth of it with ``--jobs 1``: peak RSS should not grow with the listing.

Every run is the real command in a subprocess.  Peak RSS is the largest single process's (from
/proc's VmHWM) and the whole process tree's (sampled from /proc every 20 ms).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SUMMARY = re.compile(r"annotated (\d+) rows: (\d+) parsed, (\d+) with errors, (\d+) fully recognized")

# --------------------------------------------------------------------------- generated listings

BASES = [
    ("Qwen", "Qwen2.5", ["0.5B", "1.5B", "3B", "7B", "14B", "32B", "72B"]),
    ("Qwen", "Qwen3", ["0.6B", "4B", "8B", "30B-A3B", "235B-A22B"]),
    ("meta-llama", "Llama-3.1", ["8B", "70B", "405B"]),
    ("meta-llama", "Llama-3.2", ["1B", "3B"]),
    ("mistralai", "Mistral", ["7B"]),
    ("mistralai", "Mixtral", ["8x7B", "8x22B"]),
    ("google", "gemma-2", ["2b", "9b", "27b"]),
    ("google", "gemma-3", ["1b", "4b", "12b", "27b"]),
    ("deepseek-ai", "DeepSeek-R1-Distill-Qwen", ["1.5B", "7B", "14B", "32B"]),
    ("deepseek-ai", "DeepSeek-Coder-V2-Lite", [""]),
    ("microsoft", "Phi-3.5-mini", [""]),
    ("microsoft", "phi-4", [""]),
    ("THUDM", "glm-4", ["9b"]),
    ("01-ai", "Yi-1.5", ["6B", "9B", "34B"]),
    ("tiiuae", "falcon", ["7b", "40b"]),
    ("BAAI", "bge-m3", [""]),
    ("openai", "whisper-large-v3", [""]),
]
SUFFIXES = [
    "",
    "-Instruct",
    "-Instruct",
    "-Chat",
    "-it",
    "-Coder-Instruct",
    "-Math",
    "-abliterated",
    "-GGUF",
    "-Instruct-GGUF",
    "-i1-GGUF",
    "-AWQ",
    "-GPTQ-Int4",
    "-4bit",
    "-bnb-4bit",
    "-MLX-8bit",
    "-lora",
    "-merged",
    "-SFT",
    "-DPO",
    "-v0.2",
    "-128k",
    "-exl2-4.65bpw",
]
QUANTS = ["Q4_K_M", "Q5_K_M", "Q8_0", "IQ2_M", "Q6_K", "F16", "Q4_0", "IQ4_XS", "Q3_K_L", "UD-Q2_K_XL"]
WORDS = "nova hermes orca dolphin wizard storm luna atlas zephyr ember quill tiger sage pixel onyx".split()


def user(rng: random.Random) -> str:
    return (
        rng.choice(["user", "lab", "ai", "dev", ""])
        + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 8)))
        + str(rng.randint(0, 999))
    )


def repo_id(rng: random.Random) -> str:
    org, base, sizes = rng.choice(BASES)
    size = rng.choice(sizes)
    name = base + (f"-{size}" if size else "")
    if rng.random() < 0.3:
        name = f"{rng.choice(WORDS).capitalize()}-{name}"
    name += rng.choice(SUFFIXES)
    owner = org if rng.random() < 0.05 else user(rng)
    return f"{owner}/{name}"


def gguf_file(rng: random.Random) -> str:
    _, base, sizes = rng.choice(BASES)
    size = rng.choice(sizes)
    shard = "-00001-of-00002" if rng.random() < 0.05 else ""
    return f"{base}{'-' + size if size else ''}{rng.choice(['', '-Instruct', '-it'])}-{rng.choice(QUANTS)}{shard}.gguf"


def ollama_tag(rng: random.Random) -> str:
    family = rng.choice(["qwen2.5", "llama3.1", "gemma2", "mistral", "phi3", "deepseek-r1", "qwen2.5-coder"])
    return f"{family}:{rng.choice(['7b', '8b', '14b', '32b', '70b'])}-instruct-{rng.choice(QUANTS).lower()}"


def plain_names(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w") as f:
        for _ in range(n):
            r = rng.random()
            f.write((repo_id(rng) if r < 0.7 else gguf_file(rng) if r < 0.9 else ollama_tag(rng)) + "\n")


def hub_record(rng: random.Random, i: int) -> dict:
    name = repo_id(rng)
    gguf = "GGUF" in name
    tags = ["gguf"] if gguf else ["transformers", "safetensors"]
    tags += ["text-generation", "conversational", "en", "license:apache-2.0", "region:us"]
    if rng.random() < 0.4:
        _, base, sizes = rng.choice(BASES)
        relation = "quantized" if gguf or "bit" in name else "finetune"
        tags += [
            f"base_model:{name.split('/')[0]}/{base}",
            f"base_model:{relation}:{name.split('/')[0]}/{base}",
        ]
    if "4bit" in name or "AWQ" in name or "GPTQ" in name:
        tags.append("4-bit")
    return {
        "_id": f"{i:024x}",
        "id": name,
        "likes": rng.randint(0, 500),
        "private": False,
        "downloads": rng.randint(0, 100000),
        "tags": tags,
        "pipeline_tag": "text-generation",
        "library_name": "gguf" if gguf else "transformers",
        "createdAt": "2024-09-16T11:55:40.000Z",
        "modelId": name,
    }


def hub_listing(jsonl: Path, array: Path, n: int, seed: int = 2) -> dict[str, list[int]]:
    """Write the same records as JSON lines and as a JSON array (one record per line); return bad lines."""
    rng = random.Random(seed)
    bad: dict[str, list[int]] = {"broken": [], "no id": [], "invalid": []}
    with jsonl.open("w") as lines, array.open("w") as arr:
        arr.write("[\n")
        for i in range(n):
            record = hub_record(rng, i)
            kind = None
            if i % 10_000 == 5_000:
                kind = "broken"
            elif i % 20_000 == 7_000:
                kind, record = "no id", {k: v for k, v in record.items() if k not in ("id", "modelId")}
            elif i % 20_000 == 9_000:
                kind, record["id"], record["modelId"] = "invalid", record["id"] + "-", record["id"] + "-"
            text = json.dumps(record)
            if kind == "broken":
                text = text[: len(text) // 2]  # a line cut in the middle
            if kind:
                bad[kind].append(i + 1)
            lines.write(text + "\n")
            arr.write(text + (",\n" if i < n - 1 else "\n"))
        arr.write("]\n")
    return bad


# --------------------------------------------------------------------------- running the command


def _tree(pid: int) -> dict[int, tuple[int, int]]:
    """VmRSS and VmHWM (peak RSS since exec), in KiB, of ``pid`` and its descendants."""
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            rss = hwm = 0
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        hwm = int(line.split()[1])
            out[p] = (rss, hwm)
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return out


def run(args: list[str], stdout=subprocess.DEVNULL) -> dict:
    """Run ``modelname annotate ARGS``; its time, peak RSS and summary.

    Peak RSS is read from /proc every 20 ms: VmHWM of the command's own process (its peak since exec,
    so the benchmark's own memory is not counted, as it would be by ``ru_maxrss``), of the largest
    worker, and the largest sum of VmRSS over all its processes at one time.
    """
    cmd = [sys.executable, "-m", "modelname", "annotate", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    main_hwm, worker_hwm, tree_peak = [0], [0], [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree = _tree(proc.pid)
            if proc.pid in tree:
                main_hwm[0] = max(main_hwm[0], tree[proc.pid][1])
            worker_hwm[0] = max([worker_hwm[0], *(hwm for p, (_, hwm) in tree.items() if p != proc.pid)])
            tree_peak[0] = max(tree_peak[0], sum(rss for rss, _ in tree.values()))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.stderr.read().decode()  # type: ignore[union-attr]
    proc.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    match = SUMMARY.search(err)
    if proc.returncode != 0 or match is None:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    rows, parsed, errors, recognized = map(int, match.groups())
    return {
        "seconds": seconds,
        "rows": rows,
        "parsed": parsed,
        "errors": errors,
        "recognized": recognized,
        "main_mb": main_hwm[0] / 1024,
        "worker_mb": worker_hwm[0] / 1024,
        "tree_mb": tree_peak[0] / 1024,
        "summary": match.group(0),
    }


def count_output(path: Path, fmt: str) -> tuple[int, list[int]]:
    """Rows in an output file and the lines of its rows with an error."""
    if fmt == "jsonl":
        rows = [json.loads(x) for x in path.open()]
        return len(rows), [r["line"] for r in rows if r["error"] is not None]
    if fmt == "csv":
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
        return len(rows), [int(r["line"]) for r in rows if r["error"]]
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["error", "line"])
    errors, lines = table.column("error").to_pylist(), table.column("line").to_pylist()
    return table.num_rows, [n for e, n in zip(errors, lines) if e is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in the Hub-style listing")
    parser.add_argument("--names", type=int, default=1_000_000, help="names in the plain listing")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    opts = parser.parse_args()
    folder = opts.keep or Path(tempfile.mkdtemp(prefix="bench_annotate."))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, files in {folder}")

    # 1. the Hub-style listing, to every output format
    jsonl, array = folder / "listing.jsonl", folder / "listing.json"
    bad = hub_listing(jsonl, array, opts.records)
    expected_errors = sorted(n for lines in bad.values() for n in lines)
    print(
        f"\nHub-style listing: {opts.records:,} records, {len(bad['broken'])} broken lines, "
        f"{len(bad['no id'])} without id, {len(bad['invalid'])} invalid names "
        f"({jsonl.stat().st_size / 1e6:.0f} MB as JSON lines)"
    )
    print(
        f"{'input':<15}{'output':<9}{'rows':>9}{'errors':>8}{'time s':>9}{'rows/s':>9}{'peak RSS MB':>13}  check"
    )
    for source, fmt in [(jsonl, "jsonl"), (jsonl, "csv"), (jsonl, "parquet"), (array, "jsonl")]:
        out = folder / f"out_{source.suffix[1:]}.{fmt}"
        r = run([str(source), "-o", str(out)])
        n, error_lines = count_output(out, fmt)
        error_lines.sort()
        # in the JSON array, record i is on line i + 1 (line 1 is "[")
        want = expected_errors if source is jsonl else [x + 1 for x in expected_errors]
        ok = n == opts.records == r["rows"] and error_lines == want and r["errors"] == len(want)
        ok = ok and r["parsed"] == n - len(want)
        print(
            f"{source.name:<15}{fmt:<9}{n:>9,}{len(error_lines):>8}{r['seconds']:>9.1f}"
            f"{n / r['seconds']:>9,.0f}{r['main_mb']:>13.0f}  {'ok' if ok else 'WRONG'}"
        )
        print(f"{'':<15}{r['summary']}")
        if not ok:
            raise SystemExit("row counts or flagged rows are wrong")
        out.unlink()

    # 2. the plain listing: jobs 1 vs jobs 2, and memory against size
    names = folder / "names.txt"
    plain_names(names, opts.names)
    small = folder / "names_tenth.txt"
    with names.open() as src, small.open("w") as dst:
        for i, line in enumerate(src):
            if i >= opts.names // 10:
                break
            dst.write(line)
    distinct = len(set(names.read_text().splitlines()))
    print(
        f"\nPlain listing: {opts.names:,} names ({distinct:,} distinct, {names.stat().st_size / 1e6:.0f} MB), "
        "JSON lines to /dev/null"
    )
    print(
        f"{'run':<26}{'rows':>11}{'time s':>9}{'rows/s':>9}{'main MB':>9}{'worker MB':>11}{'all procs MB':>14}"
    )
    results = {}
    for label, path, jobs in [
        (f"{opts.names // 10:,} names, jobs 1", small, 1),
        (f"{opts.names:,} names, jobs 1", names, 1),
        (f"{opts.names:,} names, jobs 2", names, 2),
    ]:
        r = run([str(path), "--jobs", str(jobs)])
        results[label] = r
        print(
            f"{label:<26}{r['rows']:>11,}{r['seconds']:>9.1f}{r['rows'] / r['seconds']:>9,.0f}"
            f"{r['main_mb']:>9.0f}{r['worker_mb'] or float('nan'):>11.0f}{r['tree_mb']:>14.0f}"
        )
    one, two = results[f"{opts.names:,} names, jobs 1"], results[f"{opts.names:,} names, jobs 2"]
    tenth = results[f"{opts.names // 10:,} names, jobs 1"]
    print(
        f"\njobs 2 vs jobs 1: {one['seconds']:.1f} s → {two['seconds']:.1f} s ({one['seconds'] / two['seconds']:.2f}× faster)"
    )
    print(
        f"peak RSS with jobs 1: {tenth['main_mb']:.0f} MB for {tenth['rows']:,} names, {one['main_mb']:.0f} MB for "
        f"{one['rows']:,} ({one['main_mb'] / tenth['main_mb']:.2f}× for 10× the rows)"
    )
    if not opts.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
