"""``modelname annotate`` under hostile input (issue 9): nothing lost, nothing hangs.

Listings are generated — seeded random generators, and hypothesis where shrinking helps — in every
input format (text, JSON array, JSON lines, CSV, TSV, Parquet) with broken rows injected at random:
lone surrogates in any field, key or nested value, bytes that are not UTF-8, broken JSON, stray
quotes, rows with extra or missing cells, corrupted bytes in a Parquet row group.  Each run must
end with no exception but the project's own, give one output row per input row at its line with
exactly the broken rows flagged, and write output that is valid UTF-8 — or fail as a whole, with one
line and a non-zero status, leaving nothing behind.

The signal tests run the real command in a subprocess: SIGTERM and SIGKILL of ``annotate --jobs 2``
must leave no worker and no temporary file behind.  They wait by polling with generous timeouts.

``HOSTILE_ROWS`` (default 300) and ``HOSTILE_SEEDS`` (default 2) scale the generated listings up, for
a long run by hand: ``HOSTILE_ROWS=20000 python -m pytest tests/test_hostile_annotate.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modelname
import modelname._annotate as A
from modelname._annotate import csv_input, json_array, outputs, parquet_input, records
from modelname._annotate import workers as W
from modelname.cli import cli

IO = types.SimpleNamespace(
    JSONArrayReader=json_array.JSONArrayReader,
    CSVReader=csv_input.CSVReader,
    ParquetReader=parquet_input.ParquetReader,
    scrub=records.scrub,
    open_output=outputs.open_output,
    StreamFile=outputs.StreamFile,
    _descriptor=outputs._descriptor,
)
ROWS = int(os.environ.get("HOSTILE_ROWS", "300"))
SEEDS = range(int(os.environ.get("HOSTILE_SEEDS", "2")))
LINUX = sys.platform.startswith("linux") and os.path.isdir("/proc/self")

# Names that parse without an error: a good row must come out with error None.
NAMES = [
    "Qwen/Qwen2.5-7B-Instruct",
    "meta-llama/Llama-3.1-8B-Instruct",
    "mistralai/Mixtral-8x7B-Instruct-v0.1",
    "google/gemma-2-9b-it",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "microsoft/phi-4",
    "bartowski/Qwen2.5-7B-Instruct-GGUF",
    "Qwen2.5-7B-Instruct-Q4_K_M.gguf",
    "gpt-4o-mini",
    "qwen2.5:7b",
    "llama3.1:8b-instruct-q4_K_M",
    "THUDM/glm-4-9b-chat",
    "01-ai/Yi-1.5-34B-Chat",
    "BAAI/bge-m3",
    "Qwen/Qwen3-30B-A3B",
    "claude-3-5-sonnet-20241022",
    "unsloth/Llama-3.2-3B-Instruct-bnb-4bit",
    "Meta-Llama-3.1-8B-Instruct-Q8_0.gguf",
    "deepseek-r1:32b",
    "中文/模型-7B",
]
WORDS = ["chat", "7B", "base", "instruct", "模型", "quantized", "Q4_K_M", "café", "draft"]
BAD_BYTES = [b"\xff", b"\xc3(", b"\xe4\xb8", b"\xed\xa0\x80", b"\x80", b"\xfe\xfe"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\udc80", "\ud83d"]


@dataclass
class Row:
    """One expected output row: its line, its name when good, and a fragment of its error when bad."""

    line: int
    name: str | None
    error: str | None = None  # None: must not be flagged


@dataclass
class Listing:
    data: bytes
    suffix: str
    rows: list[Row] = field(default_factory=list)


class Hang(Exception):
    """A test ran past its deadline: a reader or writer loops."""


@pytest.fixture(autouse=True)
def deadline():
    """Fail a test that hangs instead of hanging the run (SIGALRM interrupts a Python loop)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise Hang("still running after 120 s: something hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, 120 + ROWS / 100)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_pool_of_names_parses_cleanly():
    assert [r.error for r in modelname.annotate(NAMES)] == [None] * len(NAMES)


# --------------------------------------------------------------------------- generators


def _bad_rate(rng: random.Random) -> float:
    return rng.choice([0.02, 0.1, 0.3])


def gen_text(rng: random.Random, n: int) -> Listing:
    out = io.BytesIO()
    rows: list[Row] = []
    line = 0
    rate = _bad_rate(rng)
    for _ in range(n):
        while rng.random() < 0.05:  # blank lines are not rows
            out.write(rng.choice([b"\n", b"  \n", b"\r\n"]))
            line += 1
        name = rng.choice(NAMES)
        end = rng.choice([b"\n", b"\r\n"])
        line += 1
        if rng.random() < rate:
            raw = name.encode()
            at = rng.randrange(len(raw) + 1)
            out.write(raw[:at] + rng.choice(BAD_BYTES) + raw[at:] + end)
            rows.append(Row(line, None, "not UTF-8 text"))
        else:
            out.write(name.encode() + end)
            rows.append(Row(line, name))
    return Listing(out.getvalue(), ".txt", rows)


def _record(rng: random.Random, name: str) -> dict:
    record = {"id": name, "downloads": rng.randrange(10**6), "tags": rng.sample(WORDS, 2)}
    if rng.random() < 0.3:
        record["cardData"] = {"notes": [rng.choice(WORDS), {"deep": rng.choice(WORDS)}]}
    if rng.random() < 0.2:  # a valid surrogate pair, escaped: must not be flagged
        record["tags"].append("emoji \U0001f600")
    if rng.random() < 0.1:  # an escaped backslash before "ud800": text, not an escape
        record["note"] = "\\ud800"
    return record


def _hostile_record(rng: random.Random, name: str) -> tuple[str | bytes, str]:
    """A record's JSON text with one defect, and the fragment its error must hold."""
    record = _record(rng, name)
    kind = rng.choice(["id", "tag", "key", "nested", "bytes", "comma", "cut", "number"])
    bad = rng.choice(SURROGATES)
    if kind == "id":
        record["id"] = name[:3] + bad + name[3:]
        return json.dumps(record), "lone surrogate"  # ensure_ascii writes it as \\udXXX
    if kind == "tag":
        record["tags"].insert(1, "x" + bad)
        return json.dumps(record), "in tags[1]"
    if kind == "key":
        record["k" + bad] = 1
        return json.dumps(record), "a column name"
    if kind == "nested":
        record["cardData"] = {"notes": [{"deep": bad}]}
        return json.dumps(record), "in cardData.notes[0].deep"
    if kind == "bytes":
        record["id"] = name + "@@BAD@@"
        return json.dumps(record, ensure_ascii=False).encode().replace(b"@@BAD@@", rng.choice(BAD_BYTES)), (
            "not UTF-8 text in id"
        )
    if kind == "number":  # more digits than Python reads into an int: one row's problem, not the run's
        record["downloads"] = "@@BIG@@"
        big = str(rng.randrange(1, 10)) * rng.randrange(4301, 12000)
        return json.dumps(record).replace('"@@BIG@@"', big), "a number with more digits"
    text = json.dumps(record, ensure_ascii=False)
    if kind == "comma":
        return text.replace(", ", " ", 1), "broken JSON"
    return text[: rng.randrange(5, len(text) - 1)], "broken JSON"  # cut short


def _encode(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode()


def gen_jsonl(rng: random.Random, n: int) -> Listing:
    out = io.BytesIO()
    rows: list[Row] = []
    line = 0
    rate = _bad_rate(rng)
    for _ in range(n):
        while rng.random() < 0.03:
            out.write(b"\n")
            line += 1
        name = rng.choice(NAMES)
        line += 1
        if rng.random() < rate:
            text, error = _hostile_record(rng, name)
            rows.append(Row(line, None, error))
        else:
            text = json.dumps(_record(rng, name), ensure_ascii=rng.random() < 0.5)
            rows.append(Row(line, name))
        out.write(_encode(text) + b"\n")
    return Listing(out.getvalue(), ".jsonl", rows)


def gen_json(rng: random.Random, n: int) -> Listing:
    """A JSON array, one record per line (as ``json.dump(..., indent)`` leaves a list of flat records)."""
    out = io.BytesIO()
    out.write(b"[\n")
    rows: list[Row] = []
    rate = _bad_rate(rng)
    for i in range(n):
        name = rng.choice(NAMES)
        line = i + 2
        end = b",\n" if i < n - 1 else b"\n"
        if rng.random() < rate:
            if rng.random() < 0.15:  # a stray closing brace after a good record: flagged on its own
                out.write(b"  " + json.dumps(_record(rng, name)).encode() + b"}" + end)
                rows += [Row(line, name), Row(line, None, "broken JSON")]
                continue
            if (
                rng.random() < 0.15
            ):  # a value that is not a record, alone on its line (after a broken record too)
                rows.append(Row(line, None, "not a model record"))
                out.write(b"  " + rng.choice([b"42", b"-1.5", b"null", b"true", b"false", b"[]"]) + end)
                continue
            text, error = _hostile_record(rng, name)
            rows.append(Row(line, None, error))
            out.write(b"  " + _encode(text) + end)
        else:
            rows.append(Row(line, name))
            out.write(b"  " + json.dumps(_record(rng, name), ensure_ascii=False).encode() + end)
    out.write(b"]\n")
    return Listing(out.getvalue(), ".json", rows)


def gen_csv(rng: random.Random, n: int, delimiter: str = ",") -> Listing:
    d = delimiter
    out = io.StringIO()
    good = csv.writer(out, delimiter=d, lineterminator="\n")
    good.writerow(["id", "downloads", "note"])
    parts: list[bytes] = [out.getvalue().encode()]
    rows: list[Row] = []
    line = 1
    rate = _bad_rate(rng)
    fmt = "TSV" if d == "\t" else "CSV"
    for _ in range(n):
        name = rng.choice(NAMES)
        count = str(rng.randrange(10**6))
        note = rng.choice(WORDS)
        line += 1
        if rng.random() < rate:
            kind = rng.choice(["quote-id", "quote-note", "quote-text", "bytes", "extra", "missing"])
            if kind == "quote-id":  # "deepseek-ai/DeepSeek-R1,1 — the quote never closes
                text, error = f'"{name}{d}{count}{d}{note}\n', f"broken {fmt}"
            elif kind == "quote-note":
                text, error = f'{name}{d}{count}{d}"{note}\n', f"broken {fmt}"
            elif kind == "quote-text":
                text, error = f'"{name}"x{d}{count}{d}{note}\n', f"broken {fmt}"
            elif kind == "extra":
                text, error = f"{name}{d}{count}{d}{note}{d}more\n", "4 cells where the header has 3"
            elif kind == "missing":
                text, error = f"{name}{d}{count}\n", "2 cells where the header has 3"
            else:
                cells = [name, count, note]
                column = rng.randrange(3)
                cells[column] += "@@BAD@@"
                column_name = ["id", "downloads", "note"][column]
                raw = d.join(cells).encode().replace(b"@@BAD@@", rng.choice(BAD_BYTES)) + b"\n"
                parts.append(raw)
                rows.append(Row(line, None, f"not UTF-8 text in {column_name}"))
                continue
            parts.append(text.encode())
            rows.append(Row(line, None, error))
            continue
        out = io.StringIO()
        good = csv.writer(out, delimiter=d, lineterminator="\n")
        roll = rng.random()
        if roll < 0.1:  # a balanced quoted field over two lines: one row
            note = f"{note}\nsecond line{d} more"
        elif roll < 0.2:
            note = f"{note}{d} with the delimiter"
        elif roll < 0.25:
            note = f'say "{note}"'
        good.writerow([name, count, note])
        parts.append(out.getvalue().encode())
        rows.append(Row(line, name))
        line += note.count("\n")
    return Listing(b"".join(parts), ".tsv" if d == "\t" else ".csv", rows)


def gen_tsv(rng: random.Random, n: int) -> Listing:
    return gen_csv(rng, n, "\t")


GENERATORS = {"text": gen_text, "jsonl": gen_jsonl, "json": gen_json, "csv": gen_csv, "tsv": gen_tsv}


# --------------------------------------------------------------------------- running and reading back


def run_cli(*args: str, input: bytes | None = None):
    # catch_exceptions=False: any exception but SystemExit fails the test with its traceback
    return CliRunner().invoke(cli, ["annotate", *args], input=input, catch_exceptions=False)


def read_back(path: Path, fmt: str) -> list[dict]:
    if fmt == "parquet":
        pq = pytest.importorskip("pyarrow.parquet")
        return pq.read_table(path).to_pylist()
    text = path.read_bytes().decode("utf-8")  # strict: the output is valid UTF-8
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    out = []
    for record in csv.DictReader(io.StringIO(text, newline="")):
        out.append({k: (v if v != "" else None) for k, v in record.items()})
        out[-1]["line"] = int(out[-1]["line"])
    return out


def check_rows(got: list[dict], listing: Listing, context: str) -> None:
    expected = listing.rows
    assert len(got) == len(expected), f"{context}: {len(got)} rows out for {len(expected)} in"
    for row, want in zip(got, expected):
        where = f"{context}: line {want.line}"
        assert row["line"] == want.line, where
        if want.error is None:
            assert row["error"] is None, f"{where}: flagged: {row['error']}"
            assert row["name"] == want.name, where
        else:
            assert row["error"] is not None and want.error in row["error"], f"{where}: {row['error']!r}"
            assert "\n" not in row["error"], where


def summary_errors(stderr: str) -> int:
    line = stderr.strip().splitlines()[-1]
    assert line.startswith("annotated "), stderr
    return int(line.split(", ")[1].split()[0])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fmt", list(GENERATORS))
def test_generated_listing_keeps_every_row_and_flags_the_bad_ones(tmp_path, fmt, seed):
    rng = random.Random(f"{fmt}-{seed}")
    listing = GENERATORS[fmt](rng, ROWS)
    path = tmp_path / f"listing{listing.suffix}"
    path.write_bytes(listing.data)
    flagged = sum(r.error is not None for r in listing.rows)
    for out_fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out.{out_fmt}"
        result = run_cli(str(path), "-o", str(out), "--fields", "name,error,line")
        assert result.exit_code == 0, result.stderr
        check_rows(read_back(out, out_fmt), listing, f"{fmt} seed {seed} → {out_fmt}")
        assert summary_errors(result.stderr) == flagged
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, out.name])
        out.unlink()
    # standard output too, and the same listing piped in (the format found from the content)
    result = run_cli("--fields", "name,error,line", "--input-format", fmt, input=listing.data)
    assert result.exit_code == 0, result.stderr
    text = result.stdout_bytes.decode("utf-8")
    check_rows([json.loads(line) for line in text.splitlines()], listing, f"{fmt} seed {seed} → stdout")


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_listing_with_jobs_gives_the_same_rows(tmp_path, seed, monkeypatch):
    monkeypatch.setattr(W, "CHUNK_SIZE", 37)
    rng = random.Random(f"jobs-{seed}")
    listing = gen_jsonl(rng, ROWS)
    path = tmp_path / "listing.jsonl"
    path.write_bytes(listing.data)
    one = run_cli(str(path), "--fields", "name,error,line")
    two = run_cli(str(path), "--fields", "name,error,line", "--jobs", "2")
    assert two.exit_code == 0 and two.stdout_bytes == one.stdout_bytes
    check_rows([json.loads(line) for line in two.stdout.splitlines()], listing, "jobs 2")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from('\r\n"\r\n,')),
            st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**30), 10**30),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["jsonl", "csv"]),
)
def test_pass_through_values_come_back_from_every_output(rows, out_fmt):
    """Any text (carriage returns, quotes, line breaks) and any number (NaN, infinities) in a record's own
    columns is written so a strict reader gets the same rows back: NaN and infinities as null."""
    data = "".join(json.dumps({"id": n, "note": t, "score": x}) + "\n" for n, t, x in rows).encode()
    result = run_cli(
        "--input-format", "jsonl", "--format", out_fmt, "--fields", "name,note,score,error", input=data
    )
    assert result.exit_code == 0, result.stderr
    text = result.stdout_bytes.decode("utf-8")
    if out_fmt == "jsonl":

        def refuse(constant):
            raise AssertionError(f"{constant} is not JSON")

        got = [json.loads(line, parse_constant=refuse) for line in text.split("\n")[:-1]]
    else:
        got = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(got) == len(rows)
    for row, (name, note, score) in zip(got, rows):
        finite = not isinstance(score, float) or score - score == 0.0
        if out_fmt == "jsonl":
            assert (row["name"], row["note"], row["error"]) == (name, note, None)
            assert row["score"] == (score if finite else None)
        else:
            assert (row["name"], row["note"], row["error"]) == (name, note, "")
            assert row["score"] == (str(score) if finite else "")


# --------------------------------------------------------------------------- item 1: unencodable text


def test_the_issue_example_writes_every_row(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "Qwen\\ud800-7B"}\n{"id":"Qwen/Qwen2.5-7B"}\n')
    out = tmp_path / "o.jsonl"
    result = run_cli(str(path), "-o", str(out), "--fields", "id,name,error,line")
    assert result.exit_code == 0
    assert read_back(out, "jsonl") == [
        {
            "id": "Qwen\ufffd-7B",
            "name": "Qwen\ufffd-7B",
            "error": "text UTF-8 cannot encode in id: lone surrogate \\ud800, written as U+FFFD",
            "line": 1,
        },
        {"id": "Qwen/Qwen2.5-7B", "name": "Qwen/Qwen2.5-7B", "error": None, "line": 2},
    ]


@pytest.mark.parametrize("scalar", ["42", "-1.5", "null", "true", "false", '"Qwen/Qwen2.5-7B"'])
@pytest.mark.parametrize(
    "broken", ['{"id": "a", "tags": ["x", "license,', '{"id": "a", "tags": [', '{"id": "a",']
)
def test_a_value_after_a_broken_record_is_its_own_row(tmp_path, broken, scalar):
    """Found by the long fuzz run: a number after a record cut short was swallowed with it."""
    path = tmp_path / "listing.json"
    path.write_text(f'[\n  {{"id": "gpt-4o"}},\n  {broken}\n  {scalar},\n  {{"id": "qwen2.5:7b"}}\n]\n')
    result = run_cli(str(path), "--fields", "line,name,error")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [2, 3, 4, 5]
    assert rows[1]["error"].startswith("broken JSON")
    if scalar.startswith('"'):
        assert (rows[2]["name"], rows[2]["error"]) == ("Qwen/Qwen2.5-7B", None)
    else:
        assert rows[2]["error"].startswith("not a model record")
    assert [rows[0]["name"], rows[3]["name"]] == ["gpt-4o", "qwen2.5:7b"]


def test_files_rows_with_a_bad_file_name_are_one_error_row():
    lines = [
        {
            "id": "Qwen/Qwen2.5-7B-Instruct-GGUF",
            "siblings": [{"rfilename": "a-Q4_K_M.gguf"}, {"rfilename": "b.gguf"}],
        },
        {"id": "bartowski/x-GGUF", "siblings": [{"rfilename": "ok.gguf"}, {"rfilename": "bad\ud800.gguf"}]},
        {"id": "gpt-4o", "siblings": []},
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    result = run_cli("--files", "--fields", "name,file,error,line", "--input-format", "jsonl", input=data)
    got = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]
    assert [(r["line"], r["file"], r["error"] is not None) for r in got] == [
        (1, "a-Q4_K_M.gguf", False),
        (1, "b.gguf", False),
        (2, None, True),
        (3, None, False),
    ]
    assert "in siblings[1].rfilename" in got[2]["error"]


TEXT = st.text(
    alphabet=st.characters(categories=("Cs", "Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Zs")), max_size=12
)
JSONISH = st.recursive(
    st.none() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


def _encodable(value) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(JSONISH)
def test_scrub_makes_any_value_writable_and_flags_exactly_the_unwritable(value):
    repaired, error = IO.scrub(value)
    assert _encodable(repaired)
    if _encodable(value):
        assert error is None and repaired == value
    else:
        assert error is not None and "lone surrogate" in error and "\n" not in error
        assert _encodable(error)


RECORD = st.fixed_dictionaries(
    {"id": TEXT},
    optional={"tags": st.lists(TEXT, max_size=3), "downloads": st.integers(), "extra": JSONISH},
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT | RECORD, max_size=8))
def test_library_annotate_gives_one_writable_row_per_input(records):
    rows = list(modelname.annotate(records))
    assert len(rows) == len(records)
    for record, row in zip(records, rows):
        assert _encodable(row.to_dict())
        if not _encodable(record):
            assert row.error is not None and "UTF-8" in row.error


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_annotate_table_makes_the_annotation_writable(names):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"id": pd.Series(names, dtype=object)})
    table = modelname.annotate_table(frame)
    assert len(table) == len(names)
    annotation = table[list(A.COLUMNS)]
    pa.Table.from_pandas(annotation)  # raises on text UTF-8 cannot encode
    for name, error in zip(names, annotation["error"]):
        if not _encodable(name):
            assert "lone surrogate" in error


def test_annotate_table_pyarrow_with_bytes_that_are_not_utf8():
    pa = pytest.importorskip("pyarrow")
    names = pa.array([b"ab\xff", b"gpt-4o"], pa.binary()).view(pa.string())  # never validated
    out = modelname.annotate_table(pa.table({"repo": names}), "repo")
    assert out.select(["name", "error"]).to_pylist() == [
        {"name": "ab\ufffd", "error": "not UTF-8 text in repo: byte 0xff, written as U+FFFD"},
        {"name": "gpt-4o", "error": None},
    ]


# --------------------------------------------------------------------------- item 2: CSV


def read_csv(data: bytes, delimiter: str = ",", name_column: str | None = "id") -> list[tuple]:
    reader = IO.CSVReader(io.BytesIO(data), "x.csv", len(data), delimiter)
    reader.name_column = name_column
    return list(reader)


def test_the_issue_example_loses_no_row():
    rows = read_csv(b'id,n\n"deepseek-ai/DeepSeek-R1,1\nQwen/Qwen2.5-7B,2\ngpt-4o,3\n')
    assert [(line, value, error is not None) for line, value, error in rows] == [
        (2, None, True),
        (3, {"id": "Qwen/Qwen2.5-7B", "n": "2"}, False),
        (4, {"id": "gpt-4o", "n": "3"}, False),
    ]
    assert rows[0][2] == (
        "broken CSV: unbalanced quote, the field runs on to line 4 (the file ends inside a quoted field)"
    )


def test_quoted_line_breaks_that_balance_are_kept():
    data = b'id,n,note\nQwen/X,1,"first line\nsecond line, more"\ngpt-4o,2,"a\n\nb"\n'
    assert read_csv(data) == [
        (2, {"id": "Qwen/X", "n": "1", "note": "first line\nsecond line, more"}, None),
        (4, {"id": "gpt-4o", "n": "2", "note": "a\n\nb"}, None),
    ]


def test_a_stray_quote_that_happens_to_close_is_still_found():
    # the quote opened on line 2 closes at the end of line 4, with the right number of cells; but
    # line 3, read alone, is a row with a name of its own
    data = b'id,n,note\nQwen/X,1,"chat\ngpt-4o,2,foo\nbar-7B,3,baz"\n'
    rows = read_csv(data)
    assert [(line, error) for line, _, error in rows] == [
        (2, "broken CSV: unbalanced quote, the field runs on to line 4 (line 3 in it is a row of its own)"),
        (3, None),
        (4, None),
    ]
    # a name cell never holds a line break
    rows = read_csv(b'id,n\n"Qwen/X\nQwen/Y",1\n')
    assert rows[0][2].endswith("(the name cell holds a line break)")


def test_a_quoted_field_is_bounded(monkeypatch):
    monkeypatch.setattr(IO.CSVReader, "MAX_RECORD_LINES", 5)
    data = b'id,note\nQwen/X,"' + b"words and more words\n" * 20 + b'end"\ngpt-4o,x\n'
    rows = read_csv(data)
    assert rows[0][:2] == (2, None) and "more than 5 lines" in rows[0][2]
    assert len(rows) == 22 and rows[-1] == (23, {"id": "gpt-4o", "note": "x"}, None)


def test_a_csv_header_that_cannot_be_read_is_a_whole_file_error(tmp_path):
    for data, message in [
        (b"id,n\xff\nx,1\n", "line 1: the header is not UTF-8 text (column 2, byte 0xff)"),
        (b'id,"n\nx,1\n', "line 1: the header is not one line of CSV"),
    ]:
        path = tmp_path / "h.csv"
        path.write_bytes(data)
        result = CliRunner().invoke(cli, ["annotate", str(path)])
        assert result.exit_code == 2 and message in result.stderr
        assert "Traceback" not in result.output


CELL = st.sampled_from(NAMES)
CSV_ROW = st.one_of(
    st.tuples(st.just("good"), CELL, st.sampled_from(["a", "b, c", "multi\nline", 'q "x"'])),
    st.tuples(
        st.sampled_from(["quote-id", "quote-note", "quote-text", "extra", "missing", "bytes"]),
        CELL,
        st.just("n"),
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(CSV_ROW, max_size=25), st.sampled_from([",", "\t"]))
def test_csv_reader_flags_each_broken_row_at_its_line(rows, d):
    out = io.StringIO()
    csv.writer(out, delimiter=d, lineterminator="\n").writerow(["id", "n", "note"])
    parts = [out.getvalue().encode()]
    expected = []
    line = 2
    for kind, name, note in rows:
        if kind == "good":
            out = io.StringIO()
            csv.writer(out, delimiter=d, lineterminator="\n").writerow([name, "1", note])
            parts.append(out.getvalue().encode())
            expected.append((line, name, False))
            line += 1 + note.count("\n")
            continue
        text = {
            "quote-id": f'"{name}{d}1{d}{note}\n',
            "quote-note": f'{name}{d}1{d}"{note}\n',
            "quote-text": f'"{name}"x{d}1{d}{note}\n',
            "extra": f"{name}{d}1{d}{note}{d}z\n",
            "missing": f"{name}{d}1\n",
            "bytes": f"{name}\udcff{d}1{d}{note}\n",
        }[kind]
        parts.append(text.encode("utf-8", "surrogateescape"))
        expected.append((line, None, True))
        line += 1
    got = read_csv(b"".join(parts), d)
    assert [(line, error is not None) for line, _, error in got] == [(line, bad) for line, _, bad in expected]
    for (_, value, _), (_, name, bad) in zip(got, expected):
        if not bad:
            assert value["id"] == name


# --------------------------------------------------------------------------- item 3: Parquet


def make_parquet(rng: random.Random, n: int, path: Path) -> tuple[list[tuple[int, int]], list[str]]:
    """A listing of ``n`` rows in row groups: each row group's (first row, row count), and the names."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    names = [rng.choice(NAMES) for _ in range(n)]
    table = pa.table(
        {"id": names, "downloads": list(range(n)), "note": [rng.choice(WORDS) for _ in range(n)]}
    )
    size = max(1, n // 6)
    pq.write_table(table, path, row_group_size=size, compression=rng.choice(["snappy", "zstd", "gzip"]))
    return [(start, min(size, n - start)) for start in range(0, n, size)], names


def corrupt_row_group(rng: random.Random, path: Path, group: int) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    metadata = pq.ParquetFile(path).metadata
    data = bytearray(path.read_bytes())
    chunk = metadata.row_group(group).column(rng.randrange(metadata.num_columns))
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    at = start + rng.randrange(chunk.total_compressed_size)
    for i in range(rng.randint(1, 8)):
        if at + i < start + chunk.total_compressed_size:
            data[at + i] ^= rng.randrange(1, 256)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", range(len(SEEDS) * 4))
def test_corrupt_parquet_row_group_is_flagged_and_the_others_are_read(tmp_path, seed):
    rng = random.Random(f"parquet-{seed}")
    path = tmp_path / "listing.parquet"
    groups, names = make_parquet(rng, ROWS, path)
    broken = rng.randrange(len(groups))
    corrupt_row_group(rng, path, broken)
    out_fmt = ("jsonl", "csv", "parquet")[seed % 3]
    out = tmp_path / f"out.{out_fmt}"
    result = run_cli(str(path), "-o", str(out), "--fields", "name,error,line")
    assert result.exit_code == 0, result.stderr
    got = read_back(out, out_fmt)
    assert [row["line"] for row in got] == list(range(1, ROWS + 1))
    first, count = groups[broken]
    for i, row in enumerate(got):
        if first <= i < first + count:
            if row["error"] is not None and "Parquet" in row["error"]:
                assert f"row group {broken + 1} of {len(groups)}" in row["error"] or "value" in row["error"]
        else:
            assert (row["name"], row["error"]) == (names[i], None), i


def break_row_group(path: Path, group: int, rows: int = 60, size: int = 20) -> list[str]:
    """Write ``rows`` rows in row groups of ``size`` (snappy) and corrupt row group ``group`` so that
    pyarrow cannot read it (the first 4-byte spot in its column chunks that breaks it); the names."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    names = [NAMES[i % len(NAMES)] for i in range(rows)]
    pq.write_table(pa.table({"id": names}), path, row_group_size=size, compression="snappy")
    clean = path.read_bytes()
    chunk = pq.ParquetFile(path).metadata.row_group(group).column(0)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    for at in range(start, start + chunk.total_compressed_size - 4):
        data = bytearray(clean)
        data[at : at + 4] = bytes(b ^ 0xA5 for b in data[at : at + 4])
        try:
            pq.ParquetFile(io.BytesIO(bytes(data))).read_row_group(group)
        except Exception:
            path.write_bytes(bytes(data))
            return names
    raise AssertionError("no corruption breaks the row group")


def test_the_issue_example_corrupt_page(tmp_path):
    path = tmp_path / "listing.parquet"
    names = break_row_group(path, 1)
    result = run_cli(str(path), "--fields", "name,error,line")
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and [r["line"] for r in got] == list(range(1, 61))
    assert [r["error"] is not None for r in got] == [False] * 20 + [True] * 20 + [False] * 20
    assert got[20]["error"].startswith("unreadable Parquet: row group 2 of 3 cannot be read: ")
    assert [r["name"] for r in got[:20] + got[40:]] == names[:20] + names[40:]


def test_parquet_that_claims_too_many_rows_is_refused_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(IO.ParquetReader, "MAX_FLAGGED_ROWS", 5)
    path = tmp_path / "listing.parquet"
    break_row_group(path, 0)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["annotate", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "row group 1 of 3 cannot be read" in result.stderr and "claims 20 rows" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["listing.parquet"]  # nothing half-written


def test_parquet_with_a_broken_footer_is_refused_with_one_line(tmp_path):
    path = tmp_path / "listing.parquet"
    make_parquet(random.Random(7), 30, path)
    data = bytearray(path.read_bytes())
    data[-12:-8] = b"\xff\xff\xff\x7f"  # the footer's length
    path.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["annotate", str(path)])
    assert result.exit_code == 2 and "not a Parquet file" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- item 8: output paths


def test_symlink_output_is_written_through_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real.name)
    assert run_cli("-o", str(link), "--fields", "name", input=b"gpt-4o\n").exit_code == 0
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text() == '{"name": "gpt-4o"}\n'
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to("made.jsonl")
    assert run_cli("-o", str(dangling), "--fields", "name", input=b"gpt-4o\n").exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "made.jsonl").read_text() == '{"name": "gpt-4o"}\n'
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_symlink_loop_is_one_clear_line(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    result = CliRunner().invoke(cli, ["annotate", "-o", str(tmp_path / "a")], input="gpt-4o\n")
    assert result.exit_code == 1
    assert result.stderr == f"modelname: cannot write {tmp_path / 'a'}: Too many levels of symbolic links\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_output_is_written_as_a_stream(tmp_path):
    fifo = tmp_path / "rows.jsonl"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("-o", str(fifo), "--fields", "name", input=b"gpt-4o\nqwen2.5:7b\n")
    reader.join(timeout=60)
    assert result.exit_code == 0
    assert received == [b'{"name": "gpt-4o"}\n{"name": "qwen2.5:7b"}\n']
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the FIFO, not replaced by a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl"]


def test_devices_are_written_as_streams(monkeypatch):
    real_replace = os.replace

    def guarded(src, dst):  # a regression must fail here, not replace /dev/null (as root it could)
        assert not os.path.exists(dst) or stat.S_ISREG(os.stat(dst).st_mode), f"would replace {dst}"
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", guarded)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert run_cli("-o", os.devnull, input=b"gpt-4o\n").exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    output = IO.open_output(os.devnull)
    output.abort()
    assert isinstance(output, IO.StreamFile)
    if LINUX:
        assert IO._descriptor("/dev/stdout") == (True, 1)
        assert IO._descriptor(f"/proc/{os.getpid()}/fd/2") == (True, 2)
        assert IO._descriptor("/dev/fd/7") == (True, 7)
        assert IO._descriptor("/tmp/x.jsonl") == (False, None)


def test_output_is_synced_before_and_after_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(
        os,
        "fsync",
        lambda fd: (calls.append(("fsync", stat.S_ISDIR(os.fstat(fd).st_mode))), real_fsync(fd))[1],
    )
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append(("replace", None)), real_replace(a, b))[1])
    out = tmp_path / "rows.jsonl"
    assert run_cli("-o", str(out), input=b"gpt-4o\n").exit_code == 0
    assert calls == [("fsync", False), ("replace", None), ("fsync", True)]


# --------------------------------------------------------------------------- item 7: signals and workers


def _state(pid: int) -> str | None:
    """The process's state letter from /proc (Z: a zombie, as good as gone), None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()[0]


def _gone(pid: int) -> bool:
    return _state(pid) in (None, "Z", "X")


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(text.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _wait(condition, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _start_annotate(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, list[int]]:
    """``annotate - --jobs 2 …`` reading a standard input that stays open: it waits, workers running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelname", "annotate", "-", "--jobs", "2", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    proc.stdin.write(b"gpt-4o\nqwen2.5:7b\n" * 50)
    proc.stdin.flush()
    assert _wait(lambda: len(_children(proc.pid)) >= 2), "the workers did not start"
    return proc, _children(proc.pid)


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    proc.wait(timeout=60)
    try:
        proc.stdin.close()
    except OSError:  # nobody reads it any more
        pass
    return proc.returncode, proc.stderr.read().decode()


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_sigterm_stops_workers_and_removes_the_temporary_file(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    proc, workers = _start_annotate(tmp_path, "-o", str(out))
    assert any(p.name.startswith(".out.jsonl.") for p in tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    status, err = _finish(proc)
    assert status == 128 + signal.SIGTERM
    assert err == f"modelname: stopped by SIGTERM: nothing written to {out} (its temporary file is removed)\n"
    assert _wait(lambda: all(_gone(w) for w in workers)), [(_state(w), w) for w in workers]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    assert out.read_text() == "old\n"


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_sigterm_while_writing_to_standard_output(tmp_path):
    proc, workers = _start_annotate(tmp_path)
    proc.send_signal(signal.SIGTERM)
    status, err = _finish(proc)
    assert status == 128 + signal.SIGTERM
    assert err.startswith("modelname: stopped by SIGTERM after ") and err.endswith(
        "the output is incomplete\n"
    )
    assert _wait(lambda: all(_gone(w) for w in workers))


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    proc, workers = _start_annotate(tmp_path, "-o", str(tmp_path / "out.jsonl"))
    proc.kill()
    _finish(proc)
    assert _wait(lambda: all(_gone(w) for w in workers)), [(_state(w), w) for w in workers]


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_workers_notice_a_dead_parent_without_prctl(tmp_path):
    """The portable way: a worker polls its parent's pid between tasks (here PR_SET_PDEATHSIG is off)."""
    script = (
        "import sys, modelname._annotate.workers as W\n"
        "W._die_with_parent = lambda parent: None\n"
        "W.PARENT_POLL = 0.2\n"
        "w = W._Workers(2, None)\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=tmp_path
    )
    assert proc.stdout.readline() == b"ready\n"
    assert _wait(lambda: len(_children(proc.pid)) >= 2)
    workers = _children(proc.pid)
    proc.kill()
    proc.wait(timeout=60)
    assert _wait(lambda: all(_gone(w) for w in workers)), [(_state(w), w) for w in workers]


def test_a_worker_started_after_its_parent_died_exits():
    """The race behind an intermittent failure above: a parent killed between the fork and the worker's
    first look at its parent left a worker polling forever (it took pid 1 for its parent).  The parent
    now passes its own pid; a worker that finds another parent exits at once."""
    import multiprocessing

    ctx = multiprocessing.get_context()
    inbox, outbox = ctx.Queue(), ctx.Queue()
    not_my_parent = os.getpid() + 1_000_000
    proc = ctx.Process(target=W._worker_main, args=(inbox, outbox, None, not_my_parent), daemon=True)
    proc.start()
    proc.join(timeout=30)
    assert proc.exitcode == 1


@pytest.mark.skipif(
    not hasattr(signal, "SIGTERM") or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL,
    reason="SIGTERM is taken by the test runner",
)
def test_a_second_sigterm_does_not_interrupt_the_cleanup():
    restore = W._stop_on_signals()
    try:
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler), "SIGTERM not taken: sending it would end the test run"
        with pytest.raises(W._Stopped):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the signal is handled at the next bytecode: this never completes
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN  # ignored while cleaning up
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
