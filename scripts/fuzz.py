"""Fuzz modelname with hostile input and print one figures table (issue 9: nothing lost, nothing hangs).

    .venv/bin/python scripts/fuzz.py                     # the long version
    .venv/bin/python scripts/fuzz.py --processes 2       # the same, names on two processes
    .venv/bin/python scripts/fuzz.py --quick             # every part with small counts: under two minutes
    .venv/bin/python scripts/fuzz.py --parts names,files --names 200000 --seed 7

Three parts (``--parts``), all seeded (``--seed``), so a run can be repeated exactly:

names     1,000,000 names: real names (fixtures and the corpus) mutated — characters inserted, deleted,
          repeated and swapped, words spliced in from other names, long digit runs, combining marks,
          right-to-left marks, odd code points (never a surrogate), control characters, lengths of 512
          to 100,000 — and random names shaped like the grammar's.  Each goes through ``parse``, then
          ``model_dump(mode="json")`` (and ``json.dumps`` of it), ``canonical``, ``explanations`` and
          ``estimate_memory()``.  InvalidModelName is a refusal; any other exception, or a case that runs
          past ``--case-timeout``, is a crash.  Names go in chunks of 10,000 generated from
          (seed, chunk), the same on any number of ``--processes``.
listings  A listing of 20,000 rows in each input format (text, JSON array, JSON lines, CSV, TSV,
          Parquet), with hostile rows at random lines (lone surrogate escapes, broken JSON, stray quotes,
          bytes that are not UTF-8, extra and missing cells, records without an id or with an id that is
          not text, huge fields, NUL bytes, numbers of 5,000 digits, a corrupt Parquet row group), each
          run through the real command — ``python -m modelname annotate IN -o OUT`` to JSON lines, CSV
          and Parquet, with ``--jobs 1`` and ``--jobs 2`` — in a subprocess with a timeout.  Rows lost
          are input rows with no output row (by line number); a run that fails must say why in one
          line, and a traceback is a crash that loses every row; an output row that a CSV reader splits
          in two is an extra row.  Every row that must be flagged (broken JSON, bad bytes, no id …)
          must come out with an error, and a flag on a clean row is reported.  A crash hides what the
          rest of the listing would show, so a failing run is narrowed down (by halving) to the fewest
          hostile rows that still fail, and when that is one row, the listing is made again without
          rows of its kind and run again (a row of its own in the table).
files     1,000 mutated files per format (GGUF, split GGUF, safetensors, safetensors index,
          config.json), made by the generators of tests/test_hostile_inspect.py, each inspected with
          ``modelname.inspect``: an Inspection (whose JSON dump and memory estimates must work) or one
          InspectError (one line).  The time and tracemalloc peak of every file are measured.

Peak RSS is the VmHWM of the process doing the work (reset per chunk and per file format on Linux,
so for files it includes what the process held before; the growth is shown after it).  For listings
it is the largest VmHWM of the command's processes (itself or a worker), sampled from /proc every
20 ms — not ``wait4``'s ru_maxrss, which on Linux counts the RSS of the parent that forked the command.

The script exits with status 1 when anything crashed, hung, lost or added a row, or let a row that
must be flagged through unflagged.  Crashing inputs are printed (names shrunk to a minimal one) and,
for listings and files, kept in the work folder.
"""

from __future__ import annotations

import argparse
import collections
import csv
import importlib.util
import io
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "names.tsv"
HOSTILE_INSPECT = ROOT / "tests" / "test_hostile_inspect.py"
CHUNK = 10_000
SHOWN = 5  # crash signatures printed per part


# --------------------------------------------------------------------------- shared bookkeeping


class CaseTimeout(BaseException):
    """Raised by SIGALRM inside a case that runs too long (a BaseException, so no ``except Exception``
    in the code under test can swallow it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def _install_alarm() -> None:
    signal.signal(signal.SIGALRM, _alarm)


def _reset_peak() -> None:
    """Reset this process's peak RSS (VmHWM) to its current RSS, where Linux allows it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_rss() -> int:
    """This process's peak RSS in bytes (VmHWM, else ru_maxrss)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _where(err: BaseException) -> str:
    """The innermost frame of the traceback inside the package (file:line in function), else the last."""
    frames = traceback.extract_tb(err.__traceback__)
    inside = [f for f in frames if f"{os.sep}modelname{os.sep}" in f.filename]
    frame = (inside or frames or [None])[-1]
    if frame is None:
        return "?"
    path = Path(frame.filename)
    shown = f"{path.parent.name}/{path.name}" if path.parent.name == "modelname" else path.name
    return f"{shown}:{frame.lineno} in {frame.name}"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: str | bytes, limit: int = 300) -> str:
    """``repr`` of an input, cut in the middle when long, with its length."""
    shown = repr(value)
    if len(shown) > limit:
        shown = shown[: limit // 2] + " … " + shown[-limit // 2 :]
    return f"{shown} (length {len(value):,})" if len(value) > 60 else shown


@dataclass
class Crash:
    """One kind of crash: where, what, how often, and the shortest input that shows it."""

    signature: str
    stage: str
    error: str
    where: str
    count: int = 0
    input: Any = None
    note: str = ""

    def add(self, value: Any, note: str = "") -> None:
        self.count += 1
        if self.input is None or (
            isinstance(value, (str, bytes))
            and isinstance(self.input, (str, bytes))
            and len(value) < len(self.input)
        ):
            self.input, self.note = value, note


def _crash_signature(stage: str, err: BaseException) -> tuple[str, str, str]:
    error = "hang" if isinstance(err, CaseTimeout) else f"{type(err).__name__}: {_short(str(err), 200)}"
    where = _where(err)
    kind = "hang" if isinstance(err, CaseTimeout) else type(err).__name__
    return f"{stage}|{kind}|{where}", error, where


def _merge_crashes(into: dict[str, Crash], more: dict[str, Crash]) -> None:
    for key, crash in more.items():
        if key not in into:
            into[key] = Crash(crash.signature, crash.stage, crash.error, crash.where)
        mine = into[key]
        count = mine.count
        mine.add(crash.input, crash.note)
        mine.count = count + crash.count


@dataclass
class Row:
    """One row of the figures table."""

    part: str
    what: str
    cases: str
    crashes: int
    lost: str
    outcome: str
    worst: str
    peak: str
    failed: bool = False


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    crashes: dict[str, list[str]] = field(default_factory=dict)  # part -> printed lines
    notes: list[str] = field(default_factory=list)


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _secs(s: float) -> str:
    return f"{s * 1000:,.0f} ms" if s < 1 else f"{s:,.1f} s"


# --------------------------------------------------------------------------- 1. names

COMBINING = [chr(c) for c in range(0x300, 0x370)] + ["\u0489", "\u1ab0", "\u20dd", "\u0e49", "\u093c"]
RTL = ["\u202e", "\u202b", "\u200f", "\u061c", "\u2067", "\u2069", "\u0627", "\u05e9", "\u0663", "\ufb1d"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
ODD = [
    "\uffff",
    "\ufffe",
    "\ufdd0",
    "\ue000",
    "\U0010ffff",
    "\U000e0001",
    "\ufffd",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u3000",
    "\u00a0",
    "\u00df",  # ß: upper() is two letters
    "\u0131",  # dotless i
    "\u0130",  # İ: lower() is two characters
    "\u212a",  # Kelvin sign, lower() is k
    "\ufb01",  # ﬁ ligature
    "\u216b",  # Roman numeral twelve
    "\u00b2",
    "\uff17",  # fullwidth 7: int() reads it
    "\u0663",  # Arabic-Indic 3
    "\U0001d7d5",  # mathematical bold 7
    "\u2167",
    "\u00bd",
    "\U0001f999",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u01c5",
    "\u1e9e",
    "\uff21",
    "\u4e03",  # 七
    "\u5343",
    "\u2024",  # one dot leader
    "\uff0e",  # fullwidth full stop
    "\u2010",  # hyphen
    "\u2212",  # minus sign
    "\uff3f",  # fullwidth low line
    "\u2044",  # fraction slash
    "\uff1a",  # fullwidth colon
]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x1b[2J", "\x1b]0;x\x07", "\x1f", "\x7f", "\x80", "\x9b"]
CONTROL += ["\r", "\t", "\n", "\x0b", "\x0c", "\r\n"]
SEPARATORS = ["-", "_", ".", " ", "/", ":", "@", "--", "__", "..", "//", "::", "-_", "+", ",", "#", "~"]
DIGIT_RUNS = [
    "9" * 17,
    "9" * 20,
    "1" * 39,
    "1" * 309,
    "9" * 310,
    "1" * 400,
    "7" * 4300,
    "7" * 5000,
    "0" * 64,
    "1e309",
    "1e-400",
    "0." + "0" * 320 + "1",
    "1_000",
    "\u0661\u0662\u0663",
    "\uff19" * 40,
    "18446744073709551616",
    "4294967296",
    "9223372036854775808",
    "1.7976931348623157e308",
    "inf",
    "nan",
]

ORGS = [
    "",
    "Qwen",
    "meta-llama",
    "mistralai",
    "google",
    "deepseek-ai",
    "TheBloke",
    "unsloth",
    "bartowski",
    "mradermacher",
    "lmstudio-community",
    "microsoft",
    "THUDM",
    "01-ai",
    "x" * 96,
    "a",
    "-",
    "user_123",
]
FAMILIES = [
    "Qwen",
    "Qwen2.5",
    "Qwen3",
    "Llama",
    "Llama-3.1",
    "Meta-Llama-3",
    "Mistral",
    "Mixtral",
    "gemma",
    "gemma-3",
    "DeepSeek",
    "DeepSeek-R1-Distill-Qwen",
    "Phi",
    "phi-4",
    "glm",
    "Yi",
    "falcon",
    "gpt-oss",
    "claude",
    "gpt",
    "o1",
    "bge",
    "whisper",
    "stable-diffusion",
    "Hermes",
    "dolphin",
    "MythoMax-L2",
    "c4ai-command-r",
    "InternLM",
    "Baichuan",
    "SmolLM2",
]
SIZES = [
    "7B",
    "0.5B",
    "1.5b",
    "135M",
    "8x7B",
    "8x22B",
    "30B-A3B",
    "235B-A22B",
    "17B-16E",
    "E4B",
    "A3B",
    "1T",
    "0B",
    "0.0000001B",
    "999999999T",
    "8x0B",
    "1x1x1B",
    "9" * 25 + "B",
    "1" * 309 + "b",
    "1" * 309 + "x7B",
    "8x" + "9" * 400 + "B",
    "1e9B",
    "7.B",
    ".5B",
    "7BB",
    "1.5.5B",
    "2x",
    "x7B",
    "0x7B",
    "A" + "9" * 30 + "B",
    "E" + "9" * 30 + "B",
    "7B-A" + "9" * 30 + "B",
    "17B-" + "9" * 30 + "E",
    "7\uff22",
]
VERSIONS = ["v1", "v0.1", "2.5", "3.1", "V3-0324", "2507", "v1.2.3.4.5", "r1", "v" + "9" * 30, "v0", "1.0.0"]
VARIANTS = [
    "Instruct",
    "Chat",
    "it",
    "Coder",
    "Base",
    "abliterated",
    "uncensored",
    "DPO",
    "SFT",
    "GRPO",
    "Distill",
    "Vision",
    "VL",
    "Thinking",
    "128k",
    "1M",
    "4k",
    "32K",
    "9" * 30 + "k",
    "1" * 309 + "k",
    "lora",
    "mmproj",
    "imatrix",
    "merged",
    "Preview",
    "2024-09-16",
    "20240916",
    "2099-13-45",
    "0000-00-00",
]
QUANTS = [
    "Q4_K_M",
    "Q8_0",
    "IQ2_XXS",
    "UD-Q2_K_XL",
    "F16",
    "BF16",
    "Q99_K_XXL",
    "IQ0_S",
    "Q4_K_M_L_S",
    "AWQ",
    "GPTQ-Int4",
    "GPTQ-Int" + "9" * 30,
    "4bit",
    "8-bit",
    "bnb-4bit",
    "exl2-4.65bpw",
    "exl2-" + "9" * 40 + "bpw",
    "0bpw",
    "1" * 309 + "bpw",
    "MLX-3bit",
    "fp8",
    "nvfp4",
    "mxfp4",
    "q4f16_1",
    "q999f16_1",
    "q" + "9" * 30 + "f16_1",
    "i1-Q4_K_M",
    "imat-Q6_K",
    "hqq",
    "aqlm-2bit",
    "bitnet",
    "b1.58",
]
EXTS = [
    "",
    "",
    "",
    ".gguf",
    ".safetensors",
    ".bin",
    ".pt",
    ".onnx",
    ".ggml",
    ".GGUF",
    ".zip",
    ".gguf.part1of2",
]
SHARDS = [
    "",
    "",
    "-00001-of-00002",
    "-00000-of-00000",
    "-99999-of-00001",
    "-1-of-2",
    "-" + "0" * 50 + "1-of-" + "9" * 50,
    "-00001-of-" + "9" * 400,
    ".part1of2",
    "-split-a",
]
PREFIXES = [
    "",
    "",
    "",
    "hf.co/",
    "https://huggingface.co/",
    "huggingface.co/",
    "ollama.com/library/",
    "models/",
    "openai/",
    "bedrock:",
    "vertex_ai/",
    "accounts/fireworks/models/",
    "@cf/meta/",
    "openrouter/",
    "azure/",
    "file:///",
    "./",
    "~/models/",
    "C:\\models\\",
]
OLLAMA_TAGS = ["latest", "7b", "7b-instruct-q4_K_M", "70b-instruct-fp16", "8b-" + "9" * 30, "", ":", "q4_0"]
FIXED_NAMES = [
    "1" * 309 + "b",  # the OverflowError
    "",
    " ",
    "-",
    "/",
    ":",
    ".",
    "..",
    "a",
    "\x00",
    "Qwen\u0300-7B",
    "Qwen2.5-7B-",
    "x" * 100_000,
    "Qwen2.5-" * 20_000,
    "1" * 100_000,
    "Q4_K_M" * 10_000,
    "-" * 10_000,
    "/" * 10_000,
    ":" * 10_000,
    "hf.co/" * 5_000,
    "Qwen2.5-7B-Instruct-GGUF" + "\u0301" * 5_000,
    "\u202eFUGG.M_K_4Q-B7-5.2newQ",
]


def load_names() -> list[str]:
    """Fixture names and corpus names, each once."""
    seen: dict[str, None] = {}
    for path in sorted((ROOT / "fixtures").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.setdefault(json.loads(line)["name"], None)
    if CORPUS.is_file():
        with CORPUS.open(encoding="utf-8") as fh:
            next(fh, None)
            for line in fh:
                name = line.rstrip("\n").split("\t", 1)[0]
                if name:
                    seen.setdefault(name, None)
    return list(seen)


def _code_point(rng: random.Random) -> str:
    """A random code point that is not a surrogate."""
    while True:
        c = rng.randrange(0x110000) if rng.random() < 0.5 else rng.randrange(0x80, 0x3400)
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


class NameMaker:
    """Seeded generator of mutated and grammar-shaped names."""

    def __init__(self, corpus: list[str], rng: random.Random) -> None:
        self.corpus = corpus
        self.rng = rng
        self.vocab = sorted(
            {w for name in corpus[:: max(1, len(corpus) // 4000)] for w in re.split(r"[-_./: @]+", name) if w}
        )
        self.mutations: list[Callable[[str], str]] = [
            self.insert,
            self.delete,
            self.repeat,
            self.swap,
            self.splice,
            self.digits,
            self.combining,
            self.rtl,
            self.odd,
            self.control,
            self.lengthen,
            self.case,
            self.separators,
            self.unicode_digits,
            self.truncate,
        ]

    def name(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            return rng.choice(self.corpus)
        if roll < 0.65:
            text = rng.choice(self.corpus)
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
                text = rng.choice(self.mutations)(text)
            return text
        text = self.grammar()
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                text = rng.choice(self.mutations)(text)
        return text

    # ---- mutations of a name

    def _at(self, text: str) -> int:
        return self.rng.randrange(len(text) + 1)

    def _put(self, text: str, piece: str) -> str:
        at = self._at(text)
        return text[:at] + piece + text[at:]

    def insert(self, text: str) -> str:
        rng = self.rng
        pool = rng.choice(["ascii", "sep", "any"])
        if pool == "ascii":
            piece = rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        elif pool == "sep":
            piece = rng.choice(SEPARATORS)
        else:
            piece = _code_point(rng)
        return self._put(text, piece)

    def delete(self, text: str) -> str:
        if not text:
            return text
        at = self.rng.randrange(len(text))
        return text[:at] + text[at + self.rng.choice([1, 1, 2, 5]) :]

    def repeat(self, text: str) -> str:
        if not text:
            return text
        a = self.rng.randrange(len(text))
        b = min(len(text), a + self.rng.randint(1, 12))
        return text[:b] + text[a:b] * self.rng.choice([1, 2, 5, 50, 300]) + text[b:]

    def swap(self, text: str) -> str:
        if len(text) < 2:
            return text
        at = self.rng.randrange(len(text) - 1)
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]

    def splice(self, text: str) -> str:
        """Words of another name put into this one, or this one's words reordered."""
        rng = self.rng
        other = rng.choice(self.corpus)
        if rng.random() < 0.3:
            return text + rng.choice(SEPARATORS) + other
        words = re.split(r"([-_./: @]+)", text)
        theirs = [w for w in re.split(r"[-_./: @]+", other) if w] or ["x"]
        if rng.random() < 0.5 and len(words) > 2:
            i = rng.randrange(0, len(words), 2)
            words[i] = rng.choice(theirs)
        else:
            rng.shuffle(words)
        return "".join(words)

    def digits(self, text: str) -> str:
        return self._put(
            text,
            self.rng.choice(DIGIT_RUNS) + self.rng.choice(["", "B", "b", "M", "K", "x", "bpw", "bit", "k"]),
        )

    def combining(self, text: str) -> str:
        return self._put(text, "".join(self.rng.choices(COMBINING, k=self.rng.choice([1, 1, 3, 30, 600]))))

    def rtl(self, text: str) -> str:
        return self._put(text, "".join(self.rng.choices(RTL + ZERO_WIDTH, k=self.rng.randint(1, 4))))

    def odd(self, text: str) -> str:
        piece = self.rng.choice(ODD) if self.rng.random() < 0.6 else _code_point(self.rng)
        return self._put(text, piece)

    def control(self, text: str) -> str:
        return self._put(text, self.rng.choice(CONTROL))

    def lengthen(self, text: str) -> str:
        rng = self.rng
        target = rng.choice([512, 513, 1024, 4096, 10_000]) if rng.random() > 0.01 else 100_000
        unit = text or "a"
        how = rng.random()
        if how < 0.4:
            out = (unit + rng.choice(SEPARATORS)) * (target // (len(unit) + 1) + 1)
        elif how < 0.7:
            out = unit + "-" + "".join(rng.choices(self.vocab or ["x"], k=target // 6))
        else:
            out = self._put(unit, rng.choice("abcdefxyz0123456789-_. ") * target)
        return out[: target + rng.randint(0, 8)]

    def case(self, text: str) -> str:
        return self.rng.choice([str.upper, str.lower, str.swapcase, str.title, str.casefold])(text)

    def separators(self, text: str) -> str:
        rng = self.rng
        new = rng.choice(SEPARATORS + ["", "\u2010", "\u3000", "\t"])
        return re.sub(
            rng.choice([r"-", r"_", r"\.", r"/", r"[-_.]"]), lambda _: new, text, count=rng.choice([0, 1])
        )

    def unicode_digits(self, text: str) -> str:
        base = self.rng.choice(
            [0xFF10, 0x0660, 0x06F0, 0x0966, 0x1D7CE, 0x2070]
        )  # fullwidth, Arabic, … superscript
        return re.sub(
            r"\d",
            lambda m: chr(base + int(m.group())) if base != 0x2070 else "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(m.group())],
            text,
        )

    def truncate(self, text: str) -> str:
        if not text:
            return text
        at = self.rng.randrange(len(text))
        return text[:at] if self.rng.random() < 0.5 else text[at:]

    # ---- names shaped like the grammar's

    def grammar(self) -> str:
        rng = self.rng
        sep = rng.choice(["-", "-", "-", "_", ".", " "]) if rng.random() < 0.8 else rng.choice(SEPARATORS)
        shape = rng.random()
        if shape < 0.15:  # an Ollama tag
            return f"{rng.choice(FAMILIES).lower()}{rng.choice(['', ':', '::'])}{rng.choice(OLLAMA_TAGS)}"
        parts = [rng.choice(FAMILIES) if rng.random() < 0.8 else rng.choice(self.vocab or FAMILIES)]
        for pool, p in ((VERSIONS, 0.3), (SIZES, 0.7), (VARIANTS, 0.5), (VARIANTS, 0.15), (QUANTS, 0.4)):
            if rng.random() < p:
                parts.append(rng.choice(pool))
        if rng.random() < 0.2:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(self.vocab or FAMILIES))
        if rng.random() < 0.1:
            rng.shuffle(parts)
        leaf = sep.join(parts) + rng.choice(SHARDS) + rng.choice(EXTS)
        if shape < 0.25:  # an API id
            return (
                rng.choice(["openai/", "anthropic/", "bedrock:", "vertex_ai/", "models/", ""])
                + leaf.lower()
                + rng.choice(["", "@2024-09-16", "-2025-01-31", ":free", "@" + "9" * 30])
            )
        org = rng.choice(ORGS)
        name = f"{org}/{leaf}" if org else leaf
        if rng.random() < 0.1:
            name = f"{rng.choice(ORGS) or 'x'}/{name}"  # too many slashes
        return rng.choice(PREFIXES) + name


# ---- running names


_NAMES: list[str] = []


def _names_init(corpus: list[str]) -> None:
    _NAMES[:] = corpus
    _install_alarm()
    _check_name("Qwen/Qwen2.5-7B-Instruct-GGUF", [""])  # loads the grammar and tables: not a case's time


def _check_name(name: str, stage: list[str]) -> str:
    """'result' or 'refused'; any other exception propagates, with ``stage[0]`` the step that raised."""
    from modelname import InvalidModelName, parse

    stage[0] = "parse"
    try:
        model = parse(name)
    except InvalidModelName:
        return "refused"
    stage[0] = "model_dump"
    dump = model.model_dump(mode="json")
    stage[0] = "json.dumps"
    json.dumps(dump, ensure_ascii=False, allow_nan=False).encode("utf-8")
    stage[0] = "canonical"
    _ = model.canonical
    stage[0] = "explanations"
    _ = model.explanations
    stage[0] = "estimate_memory"
    model.estimate_memory()
    return "results"


def names_chunk(args: tuple[int, int, int, float]) -> dict[str, Any]:
    """Run chunk ``index`` of ``size`` names generated from ``seed``; its figures."""
    seed, index, size, case_timeout = args
    _reset_peak()
    rng = random.Random(f"{seed}:names:{index}")
    maker = NameMaker(_NAMES, rng)
    names = (FIXED_NAMES if index == 0 else []) + [maker.name() for _ in range(size)]
    names = names[:size]
    figures = {"cases": 0, "results": 0, "refused": 0, "crashed": 0, "worst": 0.0, "worst_input": ""}
    crashes: dict[str, Crash] = {}
    perf = time.perf_counter
    stage = [""]
    for name in names:
        figures["cases"] += 1
        signal.setitimer(signal.ITIMER_REAL, case_timeout)
        start = perf()
        try:
            outcome = _check_name(name, stage)
        except BaseException as err:  # noqa: BLE001 - every other exception is what we count
            signal.setitimer(signal.ITIMER_REAL, 0)
            if isinstance(err, KeyboardInterrupt):
                raise
            outcome = "crashed"
            key, error, where = _crash_signature(stage[0], err)
            crashes.setdefault(key, Crash(key, stage[0], error, where)).add(name)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = perf() - start
        figures[outcome] += 1
        if seconds > figures["worst"]:
            figures["worst"], figures["worst_input"] = seconds, name
    figures["peak"] = _peak_rss()
    figures["rss"] = _current_rss()
    figures["crashes"] = crashes
    figures["index"] = index
    return figures


def _current_rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _same_crash(name: str, signature: str, case_timeout: float) -> bool:
    stage = [""]
    signal.setitimer(signal.ITIMER_REAL, case_timeout)
    try:
        _check_name(name, stage)
        return False
    except BaseException as err:  # noqa: BLE001
        if isinstance(err, KeyboardInterrupt):
            raise
        return _crash_signature(stage[0], err)[0] == signature
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _retime(name: str) -> float:
    """Seconds ``name`` takes here, with parse's caches emptied: the best of three."""
    from modelname import _grammar, _parse

    _names_init(_NAMES or [])
    best = float("inf")
    for _ in range(3):
        _parse._cached.cache_clear()
        _grammar._PLANS.clear()
        start = time.perf_counter()
        try:
            _check_name(name, [""])
        except BaseException:  # noqa: BLE001 - counted already; only the time matters here
            pass
        best = min(best, time.perf_counter() - start)
    return best


def shrink(name: str, signature: str, case_timeout: float, budget: int = 3000) -> str:
    """A shorter name that crashes the same way: chunks, then single characters, removed greedily."""
    tries = 0
    size = max(1, len(name) // 2)
    while size >= 1 and tries < budget:
        i, changed = 0, False
        while i < len(name) and tries < budget:
            candidate = name[:i] + name[i + size :]
            tries += 1
            if candidate != name and _same_crash(candidate, signature, case_timeout):
                name, changed = candidate, True
            else:
                i += size
        if not changed:
            size //= 2
    return name


def run_names(opts: argparse.Namespace, report: Report) -> None:
    corpus = load_names()
    total = opts.names
    chunks = [
        (opts.seed, i, min(CHUNK, total - i * CHUNK), opts.case_timeout)
        for i in range((total + CHUNK - 1) // CHUNK)
    ]
    print(
        f"\n== names: {total:,} cases from {len(corpus):,} real names, seed {opts.seed}, {opts.processes} process(es)",
        flush=True,
    )
    sums = {"cases": 0, "results": 0, "refused": 0, "crashed": 0}
    worst, worst_input, peak = 0.0, "", 0
    first_rss: int | None = None
    last_rss = 0
    crashes: dict[str, Crash] = {}
    start = time.perf_counter()
    if opts.processes > 1:
        pool = multiprocessing.get_context().Pool(opts.processes, initializer=_names_init, initargs=(corpus,))
        results: Iterator[dict[str, Any]] = pool.imap_unordered(names_chunk, chunks)
    else:
        pool = None
        _names_init(corpus)
        results = map(names_chunk, chunks)
    done = 0
    try:
        for figures in results:
            done += 1
            for k in sums:
                sums[k] += figures[k]
            if figures["worst"] > worst:
                worst, worst_input = figures["worst"], figures["worst_input"]
            peak = max(peak, figures["peak"])
            if first_rss is None:
                first_rss = figures["rss"]
            last_rss = figures["rss"]
            _merge_crashes(crashes, figures["crashes"])
            if done % max(1, len(chunks) // 20) == 0 or done == len(chunks):
                elapsed = time.perf_counter() - start
                print(
                    f"  {sums['cases']:>9,} names  {sums['refused']:>8,} refused  {sums['crashed']:>5,} crashed  "
                    f"worst {_secs(worst)}  RSS {_mib(figures['rss'])}  {elapsed:,.0f} s  ({sums['cases'] / elapsed:,.0f}/s)",
                    flush=True,
                )
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    elapsed = time.perf_counter() - start
    report.notes.append(
        f"names: {elapsed:,.0f} s ({sums['cases'] / elapsed:,.0f} names/s on {opts.processes} process(es)); "
        f"RSS after the first chunk {_mib(first_rss or 0)}, after the last {_mib(last_rss)}; "
        f"slowest name {_show(worst_input, 120)}, {_secs(worst)} in the run, {_secs(_retime(worst_input))} "
        "timed again alone (a large gap is the machine or the garbage collector, not the name)"
    )
    lines = []
    for crash in sorted(crashes.values(), key=lambda c: -c.count)[:SHOWN]:
        small = shrink(crash.input, crash.signature, opts.case_timeout) if opts.shrink else crash.input
        lines.append(f"{crash.count:,} × {crash.error}  [{crash.stage}, {crash.where}]")
        lines.append(f"    shortest input: {_show(crash.input)}")
        if small != crash.input:
            lines.append(f"    shrunk to:      {_show(small)}")
    if len(crashes) > SHOWN:
        lines.append(f"… and {len(crashes) - SHOWN} more kinds of crash")
    if lines:
        report.crashes["names"] = lines
    report.rows.append(
        Row(
            "names",
            "parse + dump + canonical + explain + memory",
            f"{sums['cases']:,}",
            sums["crashed"],
            "–",
            f"{sums['refused']:,} refused (InvalidModelName), {sums['results']:,} parsed",
            _secs(worst),
            _mib(peak),
            failed=sums["crashed"] > 0,
        )
    )


# --------------------------------------------------------------------------- 2. listings

MUST, ANY, CLEAN = "must be flagged", "may be flagged", "clean"


@dataclass
class Listing:
    """A generated input file: its records' first lines, and what each is."""

    path: Path
    fmt: str
    rows: int = 0
    expect: dict[int, tuple[str, str]] = field(default_factory=dict)  # line -> (kind, MUST/ANY/CLEAN)
    raw: dict[int, bytes] = field(default_factory=dict)  # line -> the text of each hostile record
    head: bytes = b""  # what a file of some of the records starts with (a CSV header)


def _clean_names(corpus: list[str], rng: random.Random, n: int) -> list[str]:
    """Real names that parse, without characters a line or a cell would split on."""
    from modelname import InvalidModelName, parse

    pool = [x for x in corpus if x.isprintable() and x == x.strip() and not any(c in x for c in ',"\\')]
    rng.shuffle(pool)
    out = []
    for name in pool:
        try:
            parse(name)
        except InvalidModelName:
            continue
        out.append(name)
        if len(out) >= n:
            break
    return out


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n\x85\u2028\u2029]", "", text) or "x"


class ListingMaker:
    """Generates one listing per input format with hostile rows at random lines."""

    def __init__(self, corpus: list[str], seed: int, rows: int, rate: float) -> None:
        self.rng = random.Random(f"{seed}:listings")
        self.seed = seed
        self.rows = rows
        self.rate = rate
        self.names = _clean_names(corpus, self.rng, 3000)
        self.maker = NameMaker(corpus, random.Random(f"{seed}:listing-names"))
        self.skip: set[str] = set()
        """Hostile kinds left out (after one of them crashed the command)."""

    def _rng(self, fmt: str) -> random.Random:
        return random.Random(f"{self.seed}:listing:{fmt}")

    def _hostile_lines(self, rng: random.Random, kinds: list[str]) -> dict[int, str]:
        """Record index -> hostile kind, at random records, every kind at least once."""
        kinds = [k for k in kinds if k not in self.skip]
        if not kinds:
            return {}
        count = max(len(kinds), int(self.rows * self.rate))
        chosen = rng.sample(range(self.rows), min(count, self.rows))
        return {index: (kinds[i] if i < len(kinds) else rng.choice(kinds)) for i, index in enumerate(chosen)}

    def record(self, rng: random.Random, i: int) -> dict[str, Any]:
        name = rng.choice(self.names)
        return {
            "_id": f"{i:024x}",
            "id": name,
            "downloads": rng.randint(0, 10**6),
            "likes": rng.randint(0, 500),
            "tags": rng.sample(
                ["gguf", "text-generation", "conversational", "en", "license:mit", "region:us"], 3
            ),
            "pipeline_tag": "text-generation",
            "createdAt": "2024-09-16T11:55:40.000Z",
        }

    def mutated(self) -> str:
        return _one_line(self.maker.name())

    # ---- text

    def text(self, folder: Path) -> Listing:
        rng = self._rng("text")
        kinds = ["bad bytes", "NUL", "control", "invalid name", "huge", "mutated", "CR", "escape text"]
        hostile = self._hostile_lines(rng, kinds)
        out = Listing(folder / "listing.txt", "text")
        line = 0
        with out.path.open("wb") as f:
            if rng.random() < 0.5:
                f.write(b"\xef\xbb\xbf")
            for i in range(self.rows):
                if rng.random() < 0.01:  # blank lines are not rows
                    f.write(rng.choice([b"\n", b"   \n", b"\t\r\n"]))
                    line += 1
                name = rng.choice(self.names)
                kind = hostile.get(i)
                expect = CLEAN
                if kind is None:
                    raw = name.encode()
                elif kind == "bad bytes":
                    at = rng.randrange(len(name) + 1)
                    bad = rng.choice(
                        [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\x80\x80", b"\xf4\x90\x80\x80"]
                    )
                    raw, expect = name.encode()[:at] + bad + name.encode()[at:], MUST
                elif kind == "NUL":
                    raw, expect = name.encode() + b"\x00" + b"x", MUST
                elif kind == "control":
                    raw, expect = (
                        (name + rng.choice(["\x1b[2J", "\x07", "\x08", "\x7f"]) + "x").encode(),
                        MUST,
                    )
                elif kind == "invalid name":
                    raw, expect = (name + "-").encode(), MUST
                elif kind == "huge":
                    raw, expect = (name + "-" + "x" * rng.choice([100_000, 1_000_000])).encode(), ANY
                elif kind == "mutated":
                    raw, expect = self.mutated().encode(), ANY
                elif kind == "CR":
                    raw, expect = (name + "\r" + name).encode(), ANY
                else:  # a JSON escape is only text here
                    raw, expect = (name + "\\ud800").encode(), ANY
                if not raw.decode("utf-8", "replace").strip():
                    raw, expect = b"x" + raw, ANY
                f.write(raw + b"\n")
                line += 1
                out.expect[line] = (kind or "clean", expect)
                if kind:
                    out.raw[line] = raw
        out.rows = len(out.expect)
        return out

    # ---- JSON lines and JSON array

    JSON_KINDS = [
        "cut in half",
        "lone surrogate in id",
        "lone surrogate elsewhere",
        "bad bytes",
        "no id",
        "id not text",
        "not a record",
        "NUL escape in id",
        "line break escape in id",
        "raw NUL",
        "nested 100,000 deep",
        "number of 5,000 digits",
        "huge field",
        "huge id",
        "NaN",
        "duplicate key",
        "invalid name",
        "mutated",
        "single quotes",
        "trailing garbage",
    ]

    def json_record(self, rng: random.Random, i: int, kind: str | None) -> tuple[bytes, str]:
        record = self.record(rng, i)
        dumps = json.dumps
        if kind is None:
            return dumps(record).encode(), CLEAN
        if kind == "cut in half":
            text = dumps(record)
            return text[: rng.randrange(1, len(text) - 1)].encode(), MUST
        if kind == "lone surrogate in id":
            name = record["id"]
            at = rng.randrange(len(name) + 1)
            escape = rng.choice(["\\ud800", "\\udfff", "\\udc80", "\\ud83d"])
            return dumps(record).replace(
                dumps(name), '"' + name[:at] + escape + name[at:] + '"', 1
            ).encode(), MUST
        if kind == "lone surrogate elsewhere":
            record["pipeline_tag"] = "HOLE"
            return dumps(record).replace('"HOLE"', '"text\\udc00-generation"').encode(), MUST
        if kind == "bad bytes":
            text = dumps(record).encode()
            at = text.index(b'"id": "') + 8
            return text[:at] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]) + text[at:], MUST
        if kind == "no id":
            del record["id"]
            return dumps(record).encode(), MUST
        if kind == "id not text":
            record["id"] = rng.choice([123, 1.5, True, None, ["a"], {"id": record["id"]}, 10**30])
            return dumps(record).encode(), MUST
        if kind == "not a record":
            return rng.choice([b"42", b"[]", b"null", b"true", b"[1, 2]", b"-0.5"]), MUST
        if kind == "NUL escape in id":
            return dumps(record).replace(dumps(record["id"]), dumps(record["id"] + "\x00x"), 1).encode(), MUST
        if kind == "line break escape in id":
            broken = record["id"][:3] + rng.choice(["\r", "\n", "\r\n"]) + record["id"][3:]
            return dumps(record).replace(dumps(record["id"]), dumps(broken), 1).encode(), MUST
        if kind == "raw NUL":
            return dumps(record).replace(dumps(record["id"]), '"' + record["id"] + '\x00"', 1).encode(), MUST
        if kind == "nested 100,000 deep":
            return (
                '{"id": "' + record["id"] + '", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
            ).encode(), MUST
        if kind == "number of 5,000 digits":
            return dumps(record).replace('"downloads": ', '"downloads": ' + "1" * 5000, 1).encode(), MUST
        if kind == "huge field":
            record["description"] = "lorem ipsum " * rng.choice([20_000, 100_000])
            return dumps(record).encode(), ANY
        if kind == "huge id":
            record["id"] = record["id"] + "-" + "x" * rng.choice([100_000, 1_000_000])
            return dumps(record).encode(), ANY
        if kind == "NaN":
            return dumps(record).replace('"likes": ', '"likes": NaN, "score": ', 1).encode(), ANY
        if kind == "duplicate key":
            return dumps(record).replace("{", '{"id": "Qwen/Qwen2.5-7B", ', 1).encode(), ANY
        if kind == "invalid name":
            record["id"] += "-"
            return dumps(record).encode(), MUST
        if kind == "mutated":
            record["id"] = self.mutated()
            return dumps(record).encode(), ANY
        if kind == "single quotes":
            return dumps(record).replace('"', "'").encode(), MUST
        if kind == "trailing garbage":
            return (dumps(record) + rng.choice(["}", "]", " x", "{"])).encode(), MUST
        raise AssertionError(kind)

    def jsonl(self, folder: Path) -> Listing:
        rng = self._rng("jsonl")
        hostile = self._hostile_lines(rng, self.JSON_KINDS)
        out = Listing(folder / "listing.jsonl", "jsonl")
        line = 0
        with out.path.open("wb") as f:
            if rng.random() < 0.5:
                f.write(b"\xef\xbb\xbf")
            for i in range(self.rows):
                if rng.random() < 0.01:
                    f.write(rng.choice([b"\n", b"  \n", b"\r\n"]))
                    line += 1
                kind = hostile.get(i)
                raw, expect = self.json_record(rng, i, kind)
                f.write(raw + rng.choice([b"\n", b"\n", b"\r\n"]))
                line += 1
                out.expect[line] = (kind or "clean", expect)
                if kind:
                    out.raw[line] = raw
        out.rows = len(out.expect)
        return out

    def json_array(self, folder: Path) -> Listing:
        rng = self._rng("json")
        kinds = [k for k in self.JSON_KINDS if k != "trailing garbage"]
        hostile = self._hostile_lines(rng, kinds)
        out = Listing(folder / "listing.json", "json")
        with out.path.open("wb") as f:
            f.write(b"[\n")
            line = 1
            for i in range(self.rows):
                kind = hostile.get(i)
                raw, expect = self.json_record(rng, i, kind)
                f.write(b"  " + raw + (b",\n" if i < self.rows - 1 else b"\n"))
                line += 1
                out.expect[line] = (kind or "clean", expect)
                if kind:
                    out.raw[line] = b"  " + raw
            f.write(b"]\n")
        out.rows = len(out.expect)
        return out

    # ---- CSV and TSV

    CSV_KINDS = [
        "stray quote",
        "quote then text",
        "extra cells",
        "missing cells",
        "bad bytes",
        "NUL in name",
        "huge field",
        "huge name",
        "CR in a cell",
        "empty name",
        "invalid name",
        "mutated",
        "quote inside a name",
        "line break in a description",
    ]

    def delimited(self, folder: Path, delimiter: str) -> Listing:
        fmt = "csv" if delimiter == "," else "tsv"
        rng = self._rng(fmt)
        hostile = self._hostile_lines(rng, self.CSV_KINDS)
        out = Listing(folder / f"listing.{fmt}", fmt)
        columns = ["id", "downloads", "likes", "pipeline_tag", "description"]

        def cells_line(cells: list[str]) -> str:
            buf = io.StringIO()
            csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(cells)
            return buf.getvalue()

        line = 1
        with out.path.open("wb") as f:
            if rng.random() < 0.5:
                f.write(b"\xef\xbb\xbf")
            out.head = cells_line(columns).encode()
            f.write(out.head)
            for i in range(self.rows):
                if rng.random() < 0.01:
                    f.write(rng.choice([b"\n", b"\r\n"]))
                    line += 1
                name = rng.choice(self.names)
                cells = [
                    name,
                    str(rng.randint(0, 10**6)),
                    str(rng.randint(0, 500)),
                    "text-generation",
                    rng.choice(["", "a chat model", 'the "best", they say']),
                ]
                kind = hostile.get(i)
                expect = CLEAN
                raw: bytes
                if kind is None:
                    raw = cells_line(cells).encode()
                elif kind == "stray quote":
                    raw, expect = ('"' + delimiter.join(cells) + "\n").encode(), MUST
                elif kind == "quote then text":
                    raw, expect = (f'"{name}"x' + delimiter + delimiter.join(cells[1:]) + "\n").encode(), MUST
                elif kind == "extra cells":
                    raw, expect = cells_line(cells + ["extra"] * rng.randint(1, 3)).encode(), MUST
                elif kind == "missing cells":
                    raw, expect = cells_line(cells[: rng.randint(1, 4)]).encode(), MUST
                elif kind == "bad bytes":
                    line_bytes = cells_line(cells).encode()
                    at = rng.randrange(len(line_bytes) - 1)
                    raw, expect = (
                        line_bytes[:at]
                        + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])
                        + line_bytes[at:],
                        MUST,
                    )
                elif kind == "NUL in name":
                    raw, expect = cells_line([name + "\x00x", *cells[1:]]).encode(), MUST
                elif kind == "huge field":
                    raw, expect = (
                        cells_line(
                            [*cells[:4], "lorem ipsum " * rng.choice([5_000, 20_000, 100_000])]
                        ).encode(),
                        ANY,
                    )
                elif kind == "huge name":
                    raw, expect = (
                        cells_line([name + "-" + "x" * rng.choice([1_000, 200_000]), *cells[1:]]).encode(),
                        ANY,
                    )
                elif kind == "CR in a cell":
                    raw, expect = (
                        (delimiter.join([name, cells[1], "a\rb", *cells[3:4], "x"]) + "\n").encode(),
                        ANY,
                    )
                elif kind == "empty name":
                    raw, expect = cells_line(["", *cells[1:]]).encode(), MUST
                elif kind == "invalid name":
                    raw, expect = cells_line([name + "-", *cells[1:]]).encode(), MUST
                elif kind == "mutated":
                    raw, expect = cells_line([self.mutated(), *cells[1:]]).encode(), ANY
                elif kind == "quote inside a name":
                    raw, expect = (
                        (delimiter.join([name[:3] + '"' + name[3:], *cells[1:4], "x"]) + "\n").encode(),
                        ANY,
                    )
                else:  # a quoted line break in a cell that is not the name: a valid record on two lines
                    raw = cells_line(
                        [*cells[:4], "first line of a card,\nand the second line of it"]
                    ).encode()
                f.write(raw)
                line += 1
                out.expect[line] = (kind or "clean", expect)
                if kind:
                    out.raw[line] = raw.removesuffix(b"\n")
                line += raw.count(b"\n") - 1
        out.rows = len(out.expect)
        return out

    # ---- Parquet

    PARQUET_KINDS = [
        "null id",
        "empty id",
        "bad bytes",
        "NUL in id",
        "huge id",
        "huge field",
        "invalid name",
        "mutated",
    ]

    def parquet(self, folder: Path) -> Listing:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rng = self._rng("parquet")
        hostile = self._hostile_lines(rng, self.PARQUET_KINDS)
        out = Listing(folder / "listing.parquet", "parquet")
        ids: list[bytes | None] = []
        descriptions, downloads, tags = [], [], []
        for i in range(self.rows):
            name = rng.choice(self.names)
            description = rng.choice(["", "a chat model"])
            kind = hostile.get(i)
            expect = CLEAN
            value: bytes | None = name.encode()
            if kind == "null id":
                value, expect = None, MUST
            elif kind == "empty id":
                value, expect = b"", MUST
            elif kind == "bad bytes":
                at = rng.randrange(len(value) + 1)
                value, expect = (
                    value[:at] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"]) + value[at:],
                    MUST,
                )
            elif kind == "NUL in id":
                value, expect = value + b"\x00x", MUST
            elif kind == "huge id":
                value, expect = value + b"-" + b"x" * rng.choice([100_000, 1_000_000]), ANY
            elif kind == "huge field":
                description, expect = "lorem ipsum " * 100_000, ANY
            elif kind == "invalid name":
                value, expect = value + b"-", MUST
            elif kind == "mutated":
                value, expect = self.mutated().encode(), ANY
            ids.append(value)
            descriptions.append(description)
            downloads.append(rng.randint(0, 10**6))
            tags.append(rng.sample(["gguf", "text-generation", "en", "region:us"], 2))
            out.expect[i + 1] = (kind or "clean", expect)
        table = pa.table(
            {
                # the ids are written as bytes and read back as text, so some are not UTF-8
                "id": pa.array(ids, type=pa.binary()).view(pa.string()),
                "downloads": pa.array(downloads, type=pa.int64()),
                "tags": pa.array(tags, type=pa.list_(pa.string())),
                "description": pa.array(descriptions, type=pa.string()),
            }
        )
        group_rows = max(1, self.rows // 10)
        pq.write_table(table, out.path, row_group_size=group_rows, compression="snappy")
        # a corrupt row group: random bytes over part of its id column chunk
        meta = pq.ParquetFile(out.path).metadata
        group = rng.randrange(1, meta.num_row_groups) if meta.num_row_groups > 1 else 0
        column = meta.row_group(group).column(0)
        start = column.dictionary_page_offset if column.has_dictionary_page else column.data_page_offset
        data = bytearray(out.path.read_bytes())
        at = (
            start
            + column.total_compressed_size // 4
            + rng.randrange(max(1, column.total_compressed_size // 2))
        )
        data[at : at + 64] = bytes(rng.randrange(256) for _ in range(64))
        out.path.write_bytes(bytes(data))
        first = group * group_rows + 1
        for line in range(first, min(first + group_rows, self.rows + 1)):
            out.expect[line] = ("in the corrupt row group", ANY)
        out.rows = self.rows
        return out


def _output_rows(path: Path, fmt: str) -> tuple[list[tuple[int | None, bool]], int]:
    """(line, flagged) of every row of an output, and how many rows were not strict JSON / unreadable."""
    rows: list[tuple[int | None, bool]] = []
    odd = 0
    if fmt == "jsonl":

        def strict(constant: str) -> Any:
            raise ValueError(f"{constant} is not JSON")

        with path.open("rb") as f:
            for raw in f:
                try:
                    row = json.loads(raw, parse_constant=strict)
                except ValueError:
                    odd += 1
                    try:
                        row = json.loads(raw)
                    except ValueError:
                        rows.append((None, True))
                        continue
                if not isinstance(row, dict):
                    odd += 1
                    rows.append((None, True))
                    continue
                rows.append((row.get("line"), row.get("error") is not None))
    elif fmt == "csv":
        csv.field_size_limit(sys.maxsize)
        with path.open(newline="", encoding="utf-8", errors="replace") as f:
            for row in csv.DictReader(f):
                try:
                    line = int(row.get("line") or "")
                except ValueError:  # a row split in two by a line break: counted as an extra row
                    line = None
                rows.append((line, bool(row.get("error"))))
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=["line", "error"])
        rows = [
            (n, e is not None)
            for n, e in zip(table.column("line").to_pylist(), table.column("error").to_pylist())
        ]
    return rows, odd


@dataclass
class Run:
    listing: str
    output: str
    jobs: int
    seconds: float = 0.0
    peak: int = 0
    exit: int = 0
    message: str = ""
    crashed: str = ""
    rows_out: int = 0
    lost: int = 0
    extra: int = 0
    flagged: int = 0
    must_missed: list[tuple[int, str]] = field(default_factory=list)
    unexpected: list[tuple[int, str]] = field(default_factory=list)
    odd: int = 0


def _tree_peak(pid: int) -> int:
    """The largest VmHWM (bytes) of ``pid`` and its descendants now, from /proc."""
    peak, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) * 1024)
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return peak


def run_annotate(listing: Listing, out_fmt: str, jobs: int, folder: Path, timeout: float) -> Run:
    run = Run(listing.fmt, out_fmt, jobs)
    out = folder / f"out-{listing.fmt}-j{jobs}.{out_fmt}"
    out.unlink(missing_ok=True)
    err_path = folder / f"stderr-{listing.fmt}-{out_fmt}-j{jobs}.txt"
    cmd = [
        sys.executable,
        "-m",
        "modelname",
        "annotate",
        str(listing.path),
        "-o",
        str(out),
        "--jobs",
        str(jobs),
    ]
    start = time.perf_counter()
    with err_path.open("wb") as err:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        deadline = start + timeout
        while True:
            run.peak = max(run.peak, _tree_peak(proc.pid))
            try:
                proc.wait(0.02)
                break
            except subprocess.TimeoutExpired:
                pass
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                run.crashed = f"hang: killed after {timeout:.0f} s"
                break
    run.seconds = time.perf_counter() - start
    run.exit = proc.returncode
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    lines = [x for x in re.split(r"[\r\n]+", stderr) if x.strip()]
    if not run.crashed and "Traceback" in stderr:
        # the exception of the first traceback (more may follow: "Exception ignored in ...")
        after = lines[next(i for i, x in enumerate(lines) if x.startswith("Traceback")) + 1 :]
        run.crashed = "traceback: " + next((x for x in after if not x.startswith(" ")), "?")
    elif not run.crashed and run.exit < 0:
        run.crashed = f"killed by signal {-run.exit}"
    if run.exit != 0 and not run.crashed:
        run.message = lines[-1] if lines else "(no message)"
        if len([x for x in lines if not x.startswith("annotated ")]) > 1:
            run.crashed = f"exit {run.exit} with {len(lines)} lines on stderr: {_short(lines[-1])}"
    if run.exit == 0 or out.exists():
        rows, run.odd = _output_rows(out, out_fmt) if out.exists() else ([], 0)
    else:
        rows = []
    run.rows_out = len(rows)
    expected = collections.Counter(listing.expect.keys())
    got = collections.Counter(line for line, _ in rows)
    if run.exit != 0 and not run.crashed and not rows:
        run.lost = 0  # refused as a whole, with one line: nothing lost silently
    else:
        run.lost = sum((expected - got).values())
    run.extra = sum((got - expected).values())
    flagged = {line for line, bad in rows if bad}
    run.flagged = sum(1 for _, bad in rows if bad)
    if rows:
        for line, (kind, expect) in sorted(listing.expect.items()):
            if expect == MUST and line in got and line not in flagged:
                run.must_missed.append((line, kind))
            elif expect == CLEAN and line in flagged:
                run.unexpected.append((line, kind))
    if run.crashed:
        keep = folder / "crashes"
        keep.mkdir(exist_ok=True)
        shutil.copy(err_path, keep / err_path.name)
    else:
        err_path.unlink(missing_ok=True)
    out.unlink(missing_ok=True)
    return run


def _subset(listing: Listing, items: list[tuple[int, bytes]], path: Path) -> Listing:
    """A listing of only some of ``listing``'s hostile records, in the same format."""
    sub = Listing(path, listing.fmt, head=listing.head)
    parts = [listing.head]
    line = listing.head.count(b"\n")
    if listing.fmt == "json":
        parts.append(b"[\n")
        line += 1
    for i, (old, raw) in enumerate(items):
        parts.append(raw + (b",\n" if listing.fmt == "json" and i < len(items) - 1 else b"\n"))
        line += 1
        sub.expect[line] = listing.expect[old]
        sub.raw[line] = raw
        line += raw.count(b"\n")
    if listing.fmt == "json":
        parts.append(b"]\n")
    path.write_bytes(b"".join(parts))
    sub.rows = len(sub.expect)
    return sub


def minimize(
    listing: Listing, run: Run, failing: Callable[[Run], bool], folder: Path, timeout: float
) -> tuple[Listing, list[tuple[int, bytes]]] | None:
    """The fewest hostile records (halving) that still make ``run``'s command fail the same way."""
    if listing.fmt == "parquet" or not listing.raw:
        return None
    items = sorted(listing.raw.items())
    path = folder / f"minimal{listing.path.suffix}"

    def fails(subset: list[tuple[int, bytes]]) -> bool:
        return failing(run_annotate(_subset(listing, subset, path), run.output, run.jobs, folder, timeout))

    if not fails(items):
        return None
    while len(items) > 1:
        half = len(items) // 2
        if fails(items[:half]):
            items = items[:half]
        elif fails(items[half:]):
            items = items[half:]
        else:
            break
    return _subset(listing, items, path), items


FAILURES: list[tuple[str, Callable[[Run], bool]]] = [
    ("crash", lambda r: bool(r.crashed)),
    ("rows lost or added", lambda r: not r.crashed and bool(r.lost or r.extra)),
    ("output rows that are not strict JSON or have no line number", lambda r: not r.crashed and r.odd > 0),
]


def run_listings(opts: argparse.Namespace, report: Report, work: Path) -> None:
    corpus = load_names()
    folder = work / "listings"
    folder.mkdir(parents=True, exist_ok=True)
    keep = work / "crashes"
    maker = ListingMaker(corpus, opts.seed, opts.rows, opts.hostile_rate)
    print(
        f"\n== listings: {opts.rows:,} rows per input format, seed {opts.seed}, "
        f"outputs {','.join(opts.outputs)}, jobs {','.join(map(str, opts.jobs))}",
        flush=True,
    )
    makers: dict[str, Callable[[Path], Listing]] = {
        "text": maker.text,
        "json": maker.json_array,
        "jsonl": maker.jsonl,
        "csv": lambda d: maker.delimited(d, ","),
        "tsv": lambda d: maker.delimited(d, "\t"),
        "parquet": maker.parquet,
    }
    print(
        f"  {'input':<8}{'output':<8}{'jobs':>4}{'exit':>5}{'rows out':>10}{'lost':>7}{'extra':>6}"
        f"{'flagged':>9}{'missed':>7}{'clean flagged':>14}{'time':>9}{'peak RSS':>10}",
        flush=True,
    )
    found: list[str] = []
    for fmt in opts.inputs:
        maker.skip = set()
        for _ in range(4):  # a crash hides the rest: run again without the kind of row that caused it
            listing = makers[fmt](folder)
            label = fmt + (f" without {', '.join(sorted(maker.skip))}" if maker.skip else "")
            runs = _listing_runs(listing, label, opts, folder)
            must = sum(1 for _, e in listing.expect.values() if e == MUST)
            maybe = sum(1 for _, e in listing.expect.values() if e == ANY)
            crashes = [r for r in runs if r.crashed]
            lost = sum(r.lost for r in runs)
            extra = sum(r.extra for r in runs)
            missed = collections.Counter(kind for r in runs for _, kind in r.must_missed)
            unexpected = collections.Counter(kind for r in runs for _, kind in r.unexpected)
            refused = [r for r in runs if r.message]
            odd = [r for r in runs if r.odd]
            flagged = sorted({r.flagged for r in runs if not r.crashed and not r.message})
            flagged_text = (
                "none"
                if not flagged
                else f"{flagged[0]:,}"
                if len(flagged) == 1
                else f"{flagged[0]:,}–{flagged[-1]:,}"
            )
            outcome = f"{flagged_text} flagged ({must} must be, {maybe} may be)"
            if missed:
                outcome += f"; {sum(missed.values()):,} that must be were not"
            if unexpected:
                outcome += f"; {sum(unexpected.values()):,} clean rows flagged"
            if refused:
                outcome += f"; {len(refused)} run(s) refused the file"
            culprit = None
            for what, failing in FAILURES:
                failed_runs = [r for r in runs if failing(r)]
                if not failed_runs:
                    continue
                first = failed_runs[0]
                detail = first.crashed or (
                    f"{first.lost:,} lost, {first.extra:,} extra"
                    if what == "rows lost or added"
                    else f"{first.odd:,} rows"
                )
                found.append(
                    f"{label}: {what} in {len(failed_runs)} of {len(runs)} runs "
                    f"({', '.join(f'→ {r.output} --jobs {r.jobs}' for r in failed_runs)}): {detail}"
                )
                keep.mkdir(exist_ok=True)
                whole = keep / f"{listing.path.stem}-{len(maker.skip)}{listing.path.suffix}"
                shutil.copy(listing.path, whole)
                small = minimize(listing, first, failing, folder, opts.timeout) if opts.shrink else None
                if small is None:
                    found.append(f"    input kept: {whole} (not narrowed down to one row)")
                    continue
                sub, items = small
                kept = keep / f"minimal-{fmt}-{len(found)}{listing.path.suffix}"
                shutil.copy(sub.path, kept)
                kinds = sorted({listing.expect[line][0] for line, _ in items})
                found.append(
                    f"    narrowed down to {len(items)} row(s) of kind {', '.join(kinds)} (line "
                    f"{', '.join(str(line) for line, _ in items[:3])} of the listing): {_show(items[0][1], 240)}"
                )
                found.append(
                    f"    reproduce: python -m modelname annotate {kept} -o out.{first.output} --jobs {first.jobs}"
                )
                if what == "crash" and len(items) == 1:
                    culprit = listing.expect[items[0][0]][0]
            for kind, n in missed.most_common():
                lines = sorted({line for r in runs for line, k in r.must_missed if k == kind})
                report.notes.append(
                    f"listings {label}: {n:,} rows of kind '{kind}' came out unflagged "
                    f"(lines {lines[:5]}; e.g. {_show(listing.raw.get(lines[0], b''), 160)})"
                )
            for kind, n in unexpected.most_common():
                lines = sorted({line for r in runs for line, k in r.unexpected if k == kind})
                report.notes.append(
                    f"listings {label}: {n:,} clean rows of kind '{kind}' flagged (lines {lines[:5]})"
                )
            for r in refused:
                report.notes.append(
                    f"listings {label} → {r.output}, --jobs {r.jobs}: exit {r.exit}: {r.message}"
                )
            for r in odd:
                why = "not strict JSON (NaN or Infinity)" if r.output == "jsonl" else "without a line number"
                report.notes.append(
                    f"listings {label} → {r.output}, --jobs {r.jobs}: {r.odd:,} output rows {why}"
                )
            report.rows.append(
                Row(
                    "listings",
                    f"{label} → {'/'.join(opts.outputs)}, jobs {'/'.join(map(str, opts.jobs))}",
                    f"{len(runs)} runs × {listing.rows:,} rows",
                    len(crashes),
                    f"{lost:,}" + (f" (+{extra:,} extra)" if extra else ""),
                    outcome,
                    _secs(max(r.seconds for r in runs)),
                    _mib(max(r.peak for r in runs)),
                    failed=bool(crashes or lost or extra or missed),
                )
            )
            if not opts.keep:
                listing.path.unlink(missing_ok=True)
            if culprit is None or culprit in maker.skip:
                break
            maker.skip.add(culprit)
    if found:
        report.crashes["listings"] = found


def _listing_runs(listing: Listing, label: str, opts: argparse.Namespace, folder: Path) -> list[Run]:
    runs = []
    for out_fmt in opts.outputs:
        for jobs in opts.jobs:
            run = run_annotate(listing, out_fmt, jobs, folder, opts.timeout)
            runs.append(run)
            tail = (
                f"  CRASH {run.crashed}"
                if run.crashed
                else f"  refused: {run.message}"
                if run.message
                else ""
            )
            print(
                f"  {listing.fmt:<8}{out_fmt:<8}{jobs:>4}{run.exit:>5}{run.rows_out:>10,}{run.lost:>7,}{run.extra:>6,}"
                f"{run.flagged:>9,}{len(run.must_missed):>7,}{len(run.unexpected):>14,}{_secs(run.seconds):>9}"
                f"{_mib(run.peak):>10}{tail}",
                flush=True,
            )
    if label != listing.fmt:
        print(f"  (the rows above: {label})", flush=True)
    return runs


# --------------------------------------------------------------------------- 3. files


def _hostile_module() -> Any:
    spec = importlib.util.spec_from_file_location("_fuzz_hostile_inspect", HOSTILE_INSPECT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class FileFigures:
    def __init__(self, label: str, crash_folder: Path, case_timeout: float) -> None:
        self.label = label
        self.crash_folder = crash_folder
        self.case_timeout = case_timeout
        self.read = self.refused = self.crashed = 0
        self.worst_time = 0.0
        self.worst_what = ""
        self.worst_peak = 0
        self.crashes: dict[str, Crash] = {}

    def probe(self, target: Path, damaged: Path, what: str) -> None:
        """Inspect ``target`` (``damaged`` is the file that was damaged, kept when it crashes)."""
        from modelname import InspectError, inspect

        stage = "inspect"
        tracemalloc.start()
        signal.setitimer(signal.ITIMER_REAL, self.case_timeout)
        start = time.perf_counter()
        try:
            try:
                result = inspect(target)
            finally:
                seconds = time.perf_counter() - start
                signal.setitimer(signal.ITIMER_REAL, 0)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            if seconds > self.worst_time:
                self.worst_time, self.worst_what = seconds, what
            self.worst_peak = max(self.worst_peak, peak)
            stage = "model_dump"
            json.dumps(result.model_dump(mode="json"), ensure_ascii=False, allow_nan=False).encode("utf-8")
            stage = "estimate_memory"
            result.estimate_memory()
            result.estimate_memory(131_072)
            self.read += 1
        except InspectError as err:
            message = str(err)
            if "\n" in message or "\r" in message or len(message) > 1000:
                self._crash(
                    "message",
                    ValueError(
                        f"InspectError message of {len(message)} characters on {message.count(chr(10)) + 1} lines"
                    ),
                    damaged,
                    what,
                )
            else:
                self.refused += 1
        except BaseException as err:  # noqa: BLE001
            if isinstance(err, KeyboardInterrupt):
                raise
            self._crash(stage, err, damaged, what)

    def _crash(self, stage: str, err: BaseException, damaged: Path, what: str) -> None:
        self.crashed += 1
        key, error, where = _crash_signature(stage, err)
        crash = self.crashes.setdefault(key, Crash(key, stage, error, where))
        if crash.input is None:
            self.crash_folder.mkdir(parents=True, exist_ok=True)
            kept = self.crash_folder / f"{self.label.replace(' ', '_')}-{len(self.crashes)}-{damaged.name}"
            shutil.copy(damaged, kept)
            crash.add(str(kept), what)
            crash.count = 1
        else:
            crash.count += 1


def run_files(opts: argparse.Namespace, report: Report, work: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    from modelname import inspect

    hostile = _hostile_module()
    n = opts.files
    folder = work / "files"
    crash_folder = work / "crashes"
    print(f"\n== files: {n:,} mutated files per format, seed {opts.seed}", flush=True)
    base = folder / "base"
    base.mkdir(parents=True, exist_ok=True)

    def seed(label: str) -> int:
        return zlib.crc32(f"{opts.seed}:{label}".encode())

    def gguf() -> Iterator[tuple[Path, Path, str]]:
        data = hostile.write_gguf(
            base / "Tiny-Llama-Q8_0.gguf", hostile.TINY_META, hostile.TINY_TENSORS
        ).read_bytes()
        assert inspect(base / "Tiny-Llama-Q8_0.gguf").parameters
        where = folder / "gguf"
        where.mkdir(exist_ok=True)
        path = where / "Tiny-Llama-Q8_0.gguf"
        for what, damaged in hostile.gguf_cases(data, n, seed=seed("gguf")):
            path.write_bytes(damaged)
            yield path, path, what

    def split_gguf() -> Iterator[tuple[Path, Path, str]]:
        where = folder / "split"
        where.mkdir(exist_ok=True)
        meta = {
            **hostile.TINY_META,
            "split.no": ("uint16", 0),
            "split.count": ("uint16", 2),
            "split.tensors.count": ("int32", 5),
        }
        first = hostile.write_gguf(
            where / "Tiny-Llama-Q8_0-00001-of-00002.gguf", meta, hostile.TINY_TENSORS[:3]
        )
        second = {
            "split.no": ("uint16", 1),
            "split.count": ("uint16", 2),
            "split.tensors.count": ("int32", 5),
        }
        hostile.write_gguf(where / "Tiny-Llama-Q8_0-00002-of-00002.gguf", second, hostile.TINY_TENSORS[3:])
        assert len(inspect(first).files) == 2
        data = first.read_bytes()
        for what, damaged in hostile.gguf_cases(data, n, seed=seed("split"), split=True):
            first.write_bytes(damaged)
            yield first, first, what

    def st_header() -> tuple[dict, bytes]:
        path = base / "Tiny-F16.safetensors"
        save_file(
            {k: np.zeros(shape, dtype=dt) for k, (shape, dt) in hostile.ST_TENSORS.items()},
            str(path),
            metadata={"format": "pt"},
        )
        raw = path.read_bytes()
        size = struct.unpack("<Q", raw[:8])[0]
        return json.loads(raw[8 : 8 + size]), raw[8 + size :]

    def safetensors() -> Iterator[tuple[Path, Path, str]]:
        header, data = st_header()
        where = folder / "st"
        where.mkdir(exist_ok=True)
        path = where / "Tiny-F16.safetensors"
        as_json = int(n * 0.7)
        for what, text in hostile.json_cases(header, as_json, seed=seed("st")):
            hostile.st_file(path, text, data)
            yield path, path, what
        text = json.dumps(header).encode()
        good = struct.pack("<Q", len(text)) + text + data
        rng = random.Random(seed("st-bytes"))
        lengths = [
            0,
            1,
            7,
            8,
            len(text) - 1,
            len(text) + 1,
            len(good) - 8,
            len(good) - 7,
            25_000_001,
            2**63,
            2**64 - 1,
        ]
        for i in range(n - as_json):
            if i < len(lengths):
                path.write_bytes(struct.pack("<Q", lengths[i]) + good[8:])
                yield path, path, f"header length {lengths[i]}"
            else:
                kind, damaged = hostile.damage_bytes(rng, good, 8 + len(text))
                path.write_bytes(damaged)
                yield path, path, kind

    def sharded(name: str) -> tuple[Path, dict]:
        where = folder / name
        where.mkdir(exist_ok=True)
        names = list(hostile.ST_TENSORS)
        weight_map = {}
        for part, chosen in enumerate((names[:2], names[2:]), start=1):
            shard = f"model-0000{part}-of-00002.safetensors"
            save_file(
                {k: np.zeros(hostile.ST_TENSORS[k][0], dtype=hostile.ST_TENSORS[k][1]) for k in chosen},
                str(where / shard),
            )
            weight_map.update(dict.fromkeys(chosen, shard))
        index = {"metadata": {"total_size": 2048 + 512 + 1024 + 64}, "weight_map": weight_map}
        (where / "model.safetensors.index.json").write_text(json.dumps(index))
        (where / "config.json").write_text(json.dumps(hostile.CONFIG))
        assert inspect(where).parameters
        return where, index

    def index() -> Iterator[tuple[Path, Path, str]]:
        where, value = sharded("index")
        path = where / "model.safetensors.index.json"
        for what, text in hostile.json_cases(value, n, seed=seed("index"), extra=hostile.SHARD_NAMES):
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            yield where, path, what

    def config() -> Iterator[tuple[Path, Path, str]]:
        where, _ = sharded("config")
        path = where / "config.json"
        for what, text in hostile.json_cases(hostile.CONFIG, n, seed=seed("config")):
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            yield where, path, what

    formats: list[tuple[str, Callable[[], Iterator[tuple[Path, Path, str]]]]] = [
        ("GGUF", gguf),
        ("split GGUF", split_gguf),
        ("safetensors", safetensors),
        ("safetensors index", index),
        ("config.json", config),
    ]
    lines: list[str] = []
    for label, cases in formats:
        figures = FileFigures(label, crash_folder, opts.case_timeout)
        _reset_peak()
        rss_before = _current_rss()
        start = time.perf_counter()
        for target, damaged, what in cases():
            figures.probe(target, damaged, what)
        elapsed = time.perf_counter() - start
        total = figures.read + figures.refused + figures.crashed
        print(
            f"  {label:<18}{total:>6,} files  {figures.read:>5,} read  {figures.refused:>5,} refused  {figures.crashed:>3,} crashed  "
            f"worst {_secs(figures.worst_time)} ({_short(figures.worst_what, 50)})  tracemalloc peak {figures.worst_peak / 2**20:.1f} MiB  {elapsed:,.0f} s",
            flush=True,
        )
        for crash in sorted(figures.crashes.values(), key=lambda c: -c.count)[:SHOWN]:
            lines.append(f"{label}: {crash.count:,} × {crash.error}  [{crash.stage}, {crash.where}]")
            lines.append(f"    first file: {crash.input} ({_short(crash.note, 120)})")
        report.rows.append(
            Row(
                "files",
                label,
                f"{total:,}",
                figures.crashed,
                "–",
                f"{figures.refused:,} refused (InspectError), {figures.read:,} read",
                _secs(figures.worst_time),
                f"{_mib(_peak_rss())}, +{_mib(max(0, _peak_rss() - rss_before))} (tracemalloc {figures.worst_peak / 2**20:.1f} MiB)",
                failed=figures.crashed > 0,
            )
        )
    if lines:
        report.crashes["files"] = lines


# --------------------------------------------------------------------------- main


def _table(rows: list[Row]) -> str:
    head = [
        "part",
        "format",
        "cases tried",
        "crashes",
        "rows lost",
        "refused / flagged",
        "worst time",
        "peak RSS",
    ]
    body = [[r.part, r.what, r.cases, f"{r.crashes:,}", r.lost, r.outcome, r.worst, r.peak] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    right = {2, 3, 4, 6, 7}

    def line(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
            )
            + " |"
        )

    rule = (
        "|"
        + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths))
        + "|"
    )
    return "\n".join([line(head), rule, *(line(b) for b in body)])


def _revision() -> str:
    """The checked-out commit, and whether the package's source differs from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"], capture_output=True, text=True
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    changed = [line[3:] for line in changed if line.strip()]
    return f"commit {head}" + (f", with changes to {', '.join(changed)}" if changed else "")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument(
        "--parts", default="names,listings,files", help="comma-separated: names, listings, files"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small counts (20,000 names, 2,000 rows, 40 files per format)"
    )
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--names", type=int, help="names to try (default 1,000,000)")
    parser.add_argument("--processes", type=int, default=1, help="processes for the names part")
    parser.add_argument("--rows", type=int, help="rows per listing (default 20,000)")
    parser.add_argument("--hostile-rate", type=float, default=0.02, help="share of hostile rows in a listing")
    parser.add_argument("--inputs", default="text,json,jsonl,csv,tsv,parquet", help="listing input formats")
    parser.add_argument("--outputs", default="jsonl,csv,parquet", help="annotate output formats")
    parser.add_argument("--jobs", default="1,2", help="values of annotate --jobs to run")
    parser.add_argument("--timeout", type=float, default=600, help="seconds one annotate run may take")
    parser.add_argument("--files", type=int, help="mutated files per format (default 1,000)")
    parser.add_argument("--case-timeout", type=float, default=10, help="seconds one name or file may take")
    parser.add_argument(
        "--no-shrink", dest="shrink", action="store_false", help="do not shrink crashing names"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep everything in it")
    opts = parser.parse_args()
    parts = [p.strip() for p in opts.parts.split(",") if p.strip()]
    unknown = set(parts) - {"names", "listings", "files"}
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    opts.names = opts.names if opts.names is not None else (20_000 if opts.quick else 1_000_000)
    opts.rows = opts.rows if opts.rows is not None else (2_000 if opts.quick else 20_000)
    opts.files = opts.files if opts.files is not None else (40 if opts.quick else 1_000)
    opts.inputs = [x for x in opts.inputs.split(",") if x]
    opts.outputs = [x for x in opts.outputs.split(",") if x]
    opts.jobs = [int(x) for x in opts.jobs.split(",") if x]
    work = opts.keep or Path(tempfile.mkdtemp(prefix="modelname-fuzz."))
    work.mkdir(parents=True, exist_ok=True)
    _install_alarm()
    import modelname

    print(
        f"modelname {modelname.__version__} at {Path(modelname.__file__).parent} ({_revision()}), "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, seed {opts.seed}, work folder {work}",
        flush=True,
    )
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    report = Report()
    started = time.perf_counter()
    timings = []
    for part in ("names", "listings", "files"):
        if part not in parts:
            continue
        t = time.perf_counter()
        if part == "names":
            run_names(opts, report)
        elif part == "listings":
            run_listings(opts, report, work)
        else:
            run_files(opts, report, work)
        timings.append(f"{part} {time.perf_counter() - t:,.0f} s")
    failed = any(r.failed for r in report.rows)
    print(
        f"\n## Figures (seed {opts.seed}; {', '.join(timings)}; total {time.perf_counter() - started:,.0f} s)\n"
    )
    print(_table(report.rows))
    if report.notes:
        print("\nNotes:")
        for note in report.notes:
            print(f"- {note}")
    for part, lines in report.crashes.items():
        print(f"\nFindings in {part}:")
        for line in lines:
            print(f"  {line}")
    if failed:
        print(
            f"\nFAILED: a crash, a hang, a row lost or added, or a bad row let through; inputs kept in {work}"
        )
    else:
        print("\nOK: no crash, no hang, no row lost")
        if not opts.keep and not report.crashes:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
