"""Opening an input: its format from the extension or the first bytes, and the reader for it."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from .csv_input import CSVReader
from .json_array import JSONArrayReader
from .parquet_input import ParquetReader
from .records import InputError, JSONLinesReader, Reader, TextReader

__all__ = ["INPUT_FORMATS", "detect_input_format", "open_reader"]


INPUT_FORMATS = ("text", "json", "jsonl", "csv", "tsv", "parquet")


_INPUT_EXTENSIONS = {
    ".txt": "text",
    ".lst": "text",
    ".list": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def detect_input_format(path: str | None, head: bytes) -> str:
    """The input format from ``path``'s extension, else from the first bytes ``head``."""
    if path is not None:
        suffixes = [s.lower() for s in Path(path).suffixes]
        if suffixes and suffixes[-1] == ".gz":
            raise InputError(f"{path}: compressed input is not read; decompress it and pipe it in")
        if suffixes and suffixes[-1] in _INPUT_EXTENSIONS:
            fmt = _INPUT_EXTENSIONS[suffixes[-1]]
            if fmt == "json" and _first_char(head) == "{" and _first_line_is_json(head):
                return "jsonl"  # JSON lines saved as .json
            return fmt
    if head.startswith(b"PAR1"):
        return "parquet"
    first = _first_char(head)
    if first == "[":
        return "json"
    if first == "{":
        return "jsonl" if _first_line_is_json(head) else "json"
    line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if b"\t" in line:
        return "tsv"
    if b"," in line and any(c in line.split(b",") for c in (b"id", b"modelId", b"name", b'"id"')):
        return "csv"
    return "text"


def _first_char(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return chr(text[0]) if text else ""


def _first_line_is_json(head: bytes) -> bool:
    line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    except ValueError:  # a whole line, with a number too long to read: still a JSON line
        return True
    return True


_READERS = {
    "text": TextReader,
    "json": JSONArrayReader,
    "jsonl": JSONLinesReader,
    "parquet": ParquetReader,
}


def open_reader(path: str, fmt: str | None = None) -> Reader:
    """Open ``path`` (``-`` for standard input) as a reader of format ``fmt`` (detected when None)."""
    owns = path != "-"
    if path == "-":
        label = "standard input"
        stream: BinaryIO = sys.stdin.buffer
        if not hasattr(stream, "peek"):  # a BytesIO under test runners
            stream = io.BufferedReader(stream)  # type: ignore[arg-type]
        total = None
    else:
        label = path
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed by Reader.close
        except OSError as err:
            raise InputError(f"cannot open {path}: {err.strerror}") from None
        try:
            total = os.fstat(stream.fileno()).st_size
        except OSError:
            total = None
    head = _peek(stream)
    if fmt is None:
        fmt = detect_input_format(None if path == "-" else path, head)
    if fmt == "parquet" and not _seekable(stream):
        stream, owns = _spool(stream), True
    try:
        if fmt in ("csv", "tsv"):
            reader: Reader = CSVReader(stream, label, total, delimiter="\t" if fmt == "tsv" else ",")
        else:
            reader = _READERS[fmt](stream, label, total)
    except BaseException:
        if owns:
            stream.close()
        raise
    reader.owns_stream = owns
    return reader


def _peek(stream: BinaryIO) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        try:
            return peek(4096)[:4096]
        except (OSError, ValueError):
            return b""
    return b""


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (OSError, ValueError):
        return False


def _spool(stream: BinaryIO) -> BinaryIO:
    """Copy a non-seekable stream (stdin) to a temporary file: Parquet is read from its end."""
    out = tempfile.TemporaryFile()
    while chunk := stream.read(1 << 20):
        out.write(chunk)
    out.seek(0)
    return out  # type: ignore[return-value]
