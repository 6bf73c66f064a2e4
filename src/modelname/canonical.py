"""Render a parsed name in the GGUF naming-convention order.

``BaseName-SizeLabel-FineTune-Version-Encoding-Type-Shard`` (ggml docs/gguf.md),
with the organization kept in front of repository ids and the extension at the
end.  Parsing the canonical name gives back the same family, version,
parameters, quantization, format and shard (a property the tests check).

Examples::

    DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf   → DeepSeek-R1-7B-Distill-Qwen-Q4_K_M.gguf
    mistral-7b-instruct-v0.2.Q4_K_M.gguf      → Mistral-7B-Instruct-v0.2-Q4_K_M.gguf
    bartowski/Meta-Llama-3.1-8B-Instruct-GGUF → bartowski/Llama-8B-Instruct-v3.1-GGUF
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .tables import key, vocabulary

if TYPE_CHECKING:
    from .model import ModelName

__all__ = ["render"]

_PLAIN_VERSION = re.compile(r"\d+(?:\.\d+)*")


def _word(text: str) -> str:
    """A multi-word family or tier as one dash-joined name part (``Code Llama`` → ``Code-Llama``)."""
    return "-".join(text.split())


def render(m: ModelName) -> str | None:
    """The canonical name (see the module docstring), from the result's fields alone."""
    return _compose(m)


def _compose(m: ModelName) -> str | None:
    if m.family is None and m.parameters is None and m.quantization is None:
        return None
    base = _base_part(m)
    size = [m.parameters.label] if m.parameters else []
    if m.context_length:
        size.append(_context_token(m.context_length))
    finetune, late = _finetune_part(m)
    version_part = [_date_token(m)] if m.date else []
    kind, extension = _kind_part(m)
    shard = [f"{m.shard.index:05d}-of-{m.shard.total:05d}"] if m.shard is not None else []
    tail = [*finetune, *version_part, *_encoding_part(m), *kind, *shard, *late]
    if m.kind == "ollama_tag":
        if not base:
            return None  # a tag with no model name (fp16:7b) has no canonical form
        tag = "-".join(p for p in [*size, *tail] if p)  # an Ollama tag stays a tag: model:size-…-quant
        return f"{'-'.join(base)}:{tag}" if tag else "-".join(base)
    body = "-".join(p for p in [*base, *size, *tail] if p)
    prefix = f"{m.organization}/" if m.kind == "hf_repo" and m.organization else ""
    return prefix + body + extension


def _base_part(m: ModelName) -> list[str]:
    """Projector marker, family, version (right after the family, so no later number is taken for
    it; an odd version of a guessed name such as r1v4 stays glued) and variant."""
    base: list[str] = ["mmproj"] if m.role == "mmproj" else []
    odd = (
        m.version
        and m.source_of("family") == "pattern"
        and m.version[0].isdigit()
        and not _PLAIN_VERSION.fullmatch(m.version)
    )
    if m.family and odd:
        base.append(_word(m.family) + (m.version or ""))
    else:
        if m.family:
            base.append(_word(m.family))
        if m.version:
            base.append(_version_token(m))
    if m.variant:
        base.append(m.variant)
    return base


def _finetune_part(m: ModelName) -> tuple[list[str], list[str]]:
    """Distillation, base model, functions, fine-tune and training words; and the words kept at
    the end because right after the name they would read as its version (R1)."""
    words: list[str] = []
    if m.distill is not None:
        teacher, student = m.distill.teacher or "", m.distill.base or ""
        if teacher and not teacher.startswith(m.family or "\0"):
            words.append(teacher)  # Qwen3.5-…-Claude-4.6-Opus-Distill
        words.append("Distill")
        if student and student.split()[0] != (m.family or ""):
            words.append(_word(student.split()[0]))
    if m.base_model and m.family:
        words.append(_word(m.base_model.split()[0]))
    words.extend(_function_word(f) for f in m.functions)
    words.extend(m.finetune)
    words.extend(m.training)
    if m.version is not None:
        return words, []
    tags = vocabulary().tags
    late = [w for w in words if re.fullmatch(r"[A-Za-z]\d+", w) and key(w) not in tags]
    return [w for w in words if w not in late], late


def _encoding_part(m: ModelName) -> list[str]:
    q = m.quantization
    if q is None:
        return []
    scheme = q.scheme
    if scheme.startswith(("EXL2 ", "EXL3 ")) and m.format is None:
        scheme = scheme.split(" ", 1)[1]  # a bare 4.65bpw says EXL2 by itself
    return [*(["UD"] if q.dynamic else []), *(["i1"] if q.imatrix else []), scheme.replace(" ", "-")]


def _kind_part(m: ModelName) -> tuple[list[str], str]:
    """Words for the file's role and format, and the extension."""
    kind = ["LoRA"] if m.role == "lora" else []
    if m.format is None:
        return kind, ""
    if not m.format.extension:
        return [*kind, m.format.id.upper()], ""
    if m.format.id == "ggml" and m.format.extension == "bin":
        kind.append("GGML")  # .bin alone would read as a PyTorch pickle
    return kind, "." + m.format.extension


def _context_token(tokens: int) -> str:
    """131072 → 128k, 200000 → 200k, 1000000 → 1m (the inverse of the reader's rule)."""
    if tokens % 1_000_000 == 0:
        return f"{tokens // 1_000_000}m"
    if tokens % 1024 == 0 and (tokens // 1024) & (tokens // 1024 - 1) == 0:
        return f"{tokens // 1024}k"
    if tokens % 1000 == 0:
        return f"{tokens // 1000}k"
    return str(tokens)


def _version_token(m: ModelName) -> str:
    """The version as written in the canonical name.  A bare number the reader would take for
    something else — a date (four or more digits), a count (512), a revision (002) — gets a
    ``v``, unless ``v`` is one of the family's version letters (DeepSeek V3)."""
    version = m.version or ""
    if version.isdigit() and (len(version) >= 4 or version.startswith("00") or _power_of_two_count(version)):
        row = vocabulary().families.get(m.family or "")
        letters = {x.lower() for x in (row.version_letters if row is not None else ())}
        if "v" not in letters:
            return "v" + version
    return version


def _power_of_two_count(digits: str) -> bool:
    n = int(digits)
    return n >= 256 and n & (n - 1) == 0


def _function_word(fn: str) -> str:
    row = vocabulary().functions.get(fn)
    return row.word if row is not None else fn


def _date_token(m: ModelName) -> str:
    date = m.date or ""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
        return date.replace("-", "")
    if re.fullmatch(r"\d{4}-\d\d", date):
        row = vocabulary().families.get(m.family or "")
        if row is not None and row.date_format == "mmyy":
            return date[5:] + date[2:4]  # AI2 writes month then year (0424)
        return date[2:4] + date[5:]
    return date
