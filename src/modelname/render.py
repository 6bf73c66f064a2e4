"""All terminal output: explain's tables (English or Chinese), vocab listings, single terms, fit
verdicts, pick choices, inspect reports and annotate's progress bar.  The commands in cli.py call the
library and hand the result here.  Tables are plain text drawn here (wide-character aware); rich is
imported only for annotate's progress bar."""

from __future__ import annotations

import os
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .explain import FIELD_LABELS, GUESS_EN

if TYPE_CHECKING:
    from ._inspect import Inspection
    from ._pick import Choice
    from .memory import Fit, MemoryEstimate
    from .model import ModelName
    from .terms import Term

__all__ = [
    "render_name",
    "render_term",
    "render_vocab",
    "summary",
    "ProgressBar",
    "fit_lines",
    "pick_lines",
    "inspection_lines",
]

_GUESS = {"en": "guess", "zh": "推测"}


# --------------------------------------------------------------------------- plain text tables
#
# explain, term and vocab output is a borderless table: a bold first column, a folded second
# one and a wrapped last one that takes the rest of the width.  Widths are display columns (a
# Chinese character takes two); Chinese text wraps between any two characters, except before
# closing punctuation and after opening punctuation.  ANSI styles only on a terminal, and not
# with NO_COLOR (FORCE_COLOR forces them).

_STYLES = {"bold": "1", "dim": "2", "cyan": "36", "yellow": "33"}
_NO_LINE_START = set("，。、；：！？）」』》】〉”’…,.;:!?)]}%")
_NO_LINE_END = set("（「『《【〈“‘([{")


def _color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _width_of_terminal() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except OSError:
            pass
    return 80


def _char_width(ch: str) -> int:
    if ch < "\u0300":
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    return len(text) if text.isascii() else sum(_char_width(c) for c in text)


def _segments(text: str) -> list[str]:
    """``text`` cut where a line may break: at spaces (kept as their own segments), after a hyphen,
    and before and after every wide character — but never before closing punctuation, after
    opening punctuation, or at the space between a number and the Chinese word after it."""
    out: list[str] = []
    word = ""
    for i, ch in enumerate(text):
        if ch == " " and word[-1:].isdigit() and _char_width(text[i + 1 : i + 2] or " ") == 2:
            word += ch  # 约为 16 位: a number stays on the line of the Chinese word it counts
            continue
        if ch == " ":
            if word:
                out.append(word)
            out.append(" ")
            word = ""
            continue
        if word and ch not in _NO_LINE_START and word[-1] not in _NO_LINE_END:
            if _char_width(ch) == 2 or _char_width(word[-1]) == 2:
                out.append(word)
                word = ""
        word += ch
        if ch == "-" and len(word) > 1:  # a line may break after a hyphen (mixture-of-|experts)
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` display columns (words longer than a line are folded)."""
    columns = max(columns, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for seg in _segments(paragraph):
            w = width(seg)
            if seg == " ":
                if line:
                    line, used = line + " ", used + 1
                continue
            if used + w > columns and line.strip():
                lines.append(line.rstrip(" "))
                line, used = "", 0
            while w > columns:  # a word longer than a line: fold it
                head, taken = "", 0
                for ch in seg:
                    cw = _char_width(ch)
                    if taken + cw > columns - used:
                        break
                    head, taken = head + ch, taken + cw
                if not head and not line:  # a character wider than the column
                    head, taken = seg[0], _char_width(seg[0])
                # never leave closing punctuation to start the next line, nor opening punctuation
                # to end this one: give the fold's last character to the next line instead
                while len(head) > 1 and (seg[len(head)] in _NO_LINE_START or head[-1] in _NO_LINE_END):
                    head = head[:-1]
                lines.append((line + head).rstrip(" "))
                line, used = "", 0
                seg = seg[len(head) :]
                w = width(seg)
            line, used = line + seg, used + w
        lines.append(line.rstrip(" "))
    return lines


class _Cell(NamedTuple):
    text: str
    style: str = ""
    note: str = ""  # appended after the text, in its own style
    note_style: str = ""


def _paint(text: str, style: str, color: bool) -> str:
    if not color or not style or not text:
        return text
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _table(rows: Sequence[Sequence[_Cell]], limits: Sequence[int | None], color: bool) -> list[str]:
    """Rows of cells as lines: every column as wide as its widest cell (within its limit, if any),
    the last one taking what is left of the terminal; two spaces between columns."""
    total = _width_of_terminal()
    widths = []
    for i, limit in enumerate(limits[:-1]):
        w = max((width(r[i].text + r[i].note) for r in rows), default=0)
        widths.append(min(w, limit) if limit else w)
    last = max(total - sum(widths) - 2 * len(widths), 20)
    widths.append(min(last, max((width(r[-1].text) for r in rows), default=0)) or 1)
    out = []
    for row in rows:
        cells = []
        for cell, w in zip(row, widths):
            lines = wrap(cell.text + cell.note, w)
            painted = []
            for k, line in enumerate(lines):
                pad = " " * (w - width(line))
                if cell.note and k == len(lines) - 1 and line.endswith(cell.note):
                    body = line[: len(line) - len(cell.note)]
                    line = _paint(body, cell.style, color) + _paint(cell.note, cell.note_style, color)
                else:
                    line = _paint(line, cell.style, color)
                painted.append(line + pad)
            cells.append((painted, w))
        height = max(len(c[0]) for c in cells)
        for k in range(height):
            parts = [c[0][k] if k < len(c[0]) else " " * c[1] for c in cells]
            out.append("  ".join(parts).rstrip(" "))
    return out


def _write(lines: Iterable[str]) -> None:
    sys.stdout.write("".join(line + "\n" for line in lines))


# --------------------------------------------------------------------------- explain, term, vocab


def summary(m: ModelName, lang: str = "en") -> str:
    """One line: maker · family version variant · distilled into · size · quant · format."""
    parts = []
    if m.vendor and m.vendor != m.family:
        parts.append(m.vendor)
    name = " ".join(x for x in (m.family, m.version, m.variant) if x)
    if name:
        parts.append(name)
    d = m.distill
    if d is not None and d.base and d.base != " ".join(x for x in (m.family, m.version) if x):
        parts.append(f"蒸馏到 {d.base}" if lang == "zh" else f"distilled into {d.base}")
    elif d is not None and d.teacher:
        parts.append(f"从 {d.teacher} 蒸馏" if lang == "zh" else f"distilled from {d.teacher}")
    if m.parameters:
        parts.append(m.parameters.label)
    if m.quantization:
        parts.append(m.quantization.scheme)
    if m.format:
        parts.append(m.format.id.upper() if m.format.id in ("gguf", "ggml", "onnx", "mlx") else m.format.id)
    if m.resolved is not None:
        parts.append(f"→ {m.resolved.name}")
    return " · ".join(parts)


def render_name(m: ModelName, lang: str) -> None:
    color = _color()
    zh = lang == "zh"
    line = summary(m, lang)
    title = _paint(m.name, "bold", color) + (_paint("   " + line, "cyan", color) if line else "")
    rows = []
    for e in m.explanations:
        label = FIELD_LABELS.get(e.field, (e.field, e.field))[1 if zh else 0]
        token = e.token if e.field != "kind" else ""
        note = f" ({_GUESS[lang]})" if GUESS_EN in e.en else ""  # a value placed by its position alone
        rows.append(
            (_Cell(label, "bold"), _Cell(token, note=note, note_style="yellow"), _Cell(e.zh if zh else e.en))
        )
    _write([title, *_table(rows, (None, 24, None), color), ""])


def render_term(term: Term, lang: str) -> None:
    color = _color()
    zh = lang == "zh"
    kinds_zh = {
        "llama.cpp quant type": "llama.cpp 量化类型",
        "GGML tensor type": "GGML 张量类型",
        "quantization method": "量化方法",
        "quantization": "量化",
        "file format": "文件格式",
        "name tag": "名称标签",
        "model family": "模型系列",
        "vendor": "厂商",
        "serving provider": "服务商",
        "uploader": "上传者",
    }
    kind = kinds_zh.get(term.kind, term.kind) if zh else term.kind
    lines = [_paint(term.title, "bold", color) + _paint(f"   ({kind})", "cyan", color)]
    lines += wrap(term.zh if zh else term.en, _width_of_terminal())
    if term.source:
        lines.append(_paint(("来源：" if zh else "Source: ") + term.source, "dim", color))
    _write([*lines, ""])


def render_vocab(table: str, rows: tuple[Any, ...], lang: str) -> None:
    """A table of entries: name, spellings, and the explanation in the chosen language."""
    color = _color()
    zh = lang == "zh"
    header = ("名称", "写法", "说明") if zh else ("name", "spellings", "meaning")
    cells = [tuple(_Cell(h, "bold") for h in header)]
    for row in rows:
        name = str(
            getattr(row, "scheme", None) or getattr(row, "name", None) or getattr(row, "word", None) or row.id
        )
        if table == "families":
            name = f"{name} ({row.vendor})"
        spellings = [*(getattr(row, f, ()) or () for f in ("aliases", "extensions", "orgs"))]
        spellings = [s for group in spellings for s in group]
        if getattr(row, "zh_name", None):
            spellings.insert(0, row.zh_name)
        cells.append(
            (_Cell(name, "bold"), _Cell(", ".join(dict.fromkeys(spellings))), _Cell(row.zh if zh else row.en))
        )
    count = _paint(f"{len(rows)} {'条' if zh else 'entries'}", "dim", color)
    _write([*_table(cells, (None, 28, None), color), count])


class ProgressBar:
    """A progress bar on stderr (rows, rows/s, ETA from bytes read) — only when stderr is a terminal."""

    EVERY = 0.2  # seconds between refreshes

    def __init__(self, readers: Sequence[Any]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.readers = readers
        totals = [r.progress()[1] for r in readers]
        self.total = None if any(t is None for t in totals) else sum(totals)  # type: ignore[arg-type]
        self.bar = Progress(
            TextColumn("annotating"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]:,} rows · {task.fields[rate]:,.0f} rows/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self.task = self.bar.add_task("annotate", total=1000 if self.total else None, rows=0, rate=0.0)
        self.start = self.last = time.monotonic()
        self.read = 0  # rows taken from the readers so far (ahead of those written by the work in flight)

    def __enter__(self) -> ProgressBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def update(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < self.EVERY:
            return
        self.last = now
        rate = rows / (now - self.start) if now > self.start else 0.0
        completed = None
        if self.total:
            fraction = sum(r.progress()[0] for r in self.readers) / self.total
            completed = 1000 * min(1.0, fraction * rows / max(self.read, 1))
        self.bar.update(self.task, completed=completed, rows=rows, rate=rate)

    def counting(self, pairs: Iterable[Any]) -> Iterator[Any]:
        for pair in pairs:
            self.read += 1
            yield pair


# --------------------------------------------------------------------------- fit, pick, inspect


_VERDICTS = {
    "fits": "fits in",
    "does not fit": "does not fit in",
    "unknown": "cannot tell whether it fits in",
}


def fit_lines(name: str, est: MemoryEstimate, result: Fit) -> list[str]:
    """The verdict, why, and one aligned line per part of the estimate."""
    from .memory import format_bytes

    head = f"{name}: {_VERDICTS[result.verdict]} {format_bytes(result.budget.bytes or 0)}"
    return [head, f"  {result.why}", *_figure_lines(est)]


def _figure_lines(est: MemoryEstimate) -> list[str]:
    """One aligned line per part of a memory estimate: GB, GiB, exact/approximate, why."""
    rows = [("weights", est.weights)]
    if est.projector is not None:
        rows.append(("projector", est.projector))
    rows += [("KV cache", est.kv_cache), ("overhead", est.overhead), ("total", est.total)]
    lines = []
    for label, fig in rows:
        if fig.bytes is None:
            lines.append(f"  {label:<10} {'—':>9}  {'':>10}  {'':<11}  {fig.why}")
        else:
            kind = "exact" if fig.exact else "approximate"
            lines.append(f"  {label:<10} {fig.gb:>6.2f} GB  {fig.gib:>6.2f} GiB  {kind:<11}  {fig.why}")
    lines += [f"  note: {n}" for n in est.notes]
    return lines


def pick_lines(choice: Choice) -> list[str]:
    """What to download (or that nothing fits), why, and every file rejected or ignored."""
    from .memory import format_bytes

    lines: list[str] = []
    if choice.chosen:
        files = (*choice.files, *([choice.mmproj] if choice.mmproj else []))
        lines += [f"{'download' if i == 0 else '':<9} {f}" for i, f in enumerate(files)]
        if choice.total_bytes is not None:
            lines.append(f"{'':<9} {format_bytes(choice.total_bytes)} in all")
    else:
        lines.append(f"nothing fits in {format_bytes(choice.budget.bytes or 0)}")
    lines += [f"{'why' if i == 0 else '':<9} {reason}" for i, reason in enumerate(choice.reasons)]
    for i, r in enumerate(choice.rejected):
        more = f" (+{r.parts - 1} more part{'s' if r.parts > 2 else ''})" if r.parts > 1 else ""
        lines.append(f"{'rejected' if i == 0 else '':<9} {r.file}{more}: {r.why}")
    lines += [f"{'ignored' if i == 0 else '':<9} {r.file}: {r.why}" for i, r in enumerate(choice.ignored)]
    return lines


def inspection_lines(info: Inspection) -> list[str]:
    """What a file's header says, one labelled line per part, and every mismatch with its name."""
    from .memory import format_bytes

    head = [info.format.upper() + (f" v{info.format_version}" if info.format_version else "")]
    head += [x for x in (info.architecture, info.file_type) if x]
    if info.parameters is not None:
        head.append(f"{info.parameters:,} parameters")
    lines = [f"{info.name}   {' · '.join(head)}"]
    rows: list[tuple[str, str]] = []
    if info.general_name:
        rows.append(("name", f"{info.general_name} (general.name)"))
    if info.size_label:
        rows.append(("size label", f"{info.size_label} (general.size_label)"))
    if info.file_type:
        rows.append(("file type", f"{info.file_type} (general.file_type {info.file_type_id})"))
    if info.role and info.role != "model":
        rows.append(("role", info.role))
    if info.context_length:
        rows.append(("context", f"{info.context_length:,} tokens"))
    if info.layers:
        shape = f"{info.layers} layers"
        if info.attention_heads:
            shape += (
                f", {info.attention_heads} attention heads, {info.kv_heads} KV heads of {info.key_length}"
            )
        if info.experts:
            shape += f", {info.experts} experts ({info.experts_used} per token)"
        rows.append(("shape", shape))
    if info.tensor_types:
        mix = ", ".join(
            f"{t.type} {t.tensors} ({format_bytes(t.bytes).split(' (')[0]})" for t in info.tensor_types
        )
        rows.append(("tensors", f"{info.tensor_count:,}: {mix}"))
    if info.weight_bytes is not None:
        bpw = f", {info.bits_per_weight:g} bits per weight" if info.bits_per_weight else ""
        rows.append(("weights", f"{info.weight_bytes:,} bytes = {format_bytes(info.weight_bytes)}{bpw}"))
    if info.kv_cache_bytes_per_token is not None:
        rows.append(("KV cache", f"{info.kv_cache_bytes_per_token:,} bytes per token ({info.kv_cache_why})"))
    if info.shard_total:
        rows.append(("shard", f"part {info.shard_index} of {info.shard_total}"))
    files = f"{len(info.files)} files, " if len(info.files) > 1 else ""
    rows.append(("on disk", f"{files}{format_bytes(info.size_bytes)}"))
    if info.mismatches:
        for mm in info.mismatches:
            rows.append(
                ("MISMATCH", f"{mm.field}: the name says {mm.name_says}, the file says {mm.file_says}")
            )
    else:
        checked = info.format in ("gguf", "safetensors")
        rows.append(("check", "the name agrees with the file" if checked else "the name was not checked"))
    rows += [("note", n) for n in info.notes]
    lines += [f"  {label:<10} {text}" for label, text in rows]
    return lines
