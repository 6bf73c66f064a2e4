"""Terminal output for ``modelname explain`` (rich tables, English or Chinese)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .explain import FIELD_LABELS, GUESS_EN

if TYPE_CHECKING:
    from .model import ModelName
    from .terms import Term

__all__ = ["render_name", "render_term", "render_vocab", "summary"]

_GUESS = {"en": "guess", "zh": "推测"}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def summary(m: ModelName) -> str:
    """One line: maker · family version variant · size · quant · format."""
    parts = []
    if m.vendor and m.vendor != m.family:
        parts.append(m.vendor)
    name = " ".join(x for x in (m.family, m.version, m.variant) if x)
    if name:
        parts.append(name)
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
    console = _console()
    zh = lang == "zh"
    title = Text(m.name, style="bold")
    line = summary(m)
    if line:
        title.append("   " + line, style="cyan")
    console.print(title)
    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False, expand=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("token", max_width=24, overflow="fold")
    table.add_column("meaning", ratio=1, overflow="fold")
    for e in m.explanations:
        label = FIELD_LABELS.get(e.field, (e.field, e.field))[1 if zh else 0]
        token = Text(e.token if e.field != "kind" else "")
        if GUESS_EN in e.en:  # a value placed by its position alone
            token.append(f" ({_GUESS[lang]})", style="yellow")
        table.add_row(label, token, e.zh if zh else e.en)
    console.print(table)
    console.print()


def render_term(term: Term, lang: str) -> None:
    console = _console()
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
    console.print(Text(f"{term.title}", style="bold") + Text(f"   ({kind})", style="cyan"))
    console.print(term.zh if zh else term.en)
    if term.source:
        console.print(Text(("来源：" if zh else "Source: ") + term.source, style="dim"))
    console.print()


def render_vocab(table: str, rows: tuple[dict, ...], lang: str) -> None:
    """A table of entries: name, spellings, and the explanation in the chosen language."""
    console = _console()
    zh = lang == "zh"
    grid = Table(box=None, show_header=True, padding=(0, 1), pad_edge=False, header_style="bold")
    grid.add_column("名称" if zh else "name", style="bold", no_wrap=True)
    grid.add_column("写法" if zh else "spellings", max_width=28, overflow="fold")
    grid.add_column("说明" if zh else "meaning", ratio=1, overflow="fold")
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
        grid.add_row(name, ", ".join(dict.fromkeys(spellings)), row.zh if zh else row.en)
    console.print(grid)
    console.print(Text(f"{len(rows)} {'条' if zh else 'entries'}", style="dim"))
