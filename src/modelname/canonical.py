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
    base: list[str] = []
    version_part: list[str] = []
    if (
        m.family
        and m.version
        and m.source_of("family") == "pattern"
        and m.version[0].isdigit()
        and not _PLAIN_VERSION.fullmatch(m.version)
    ):
        base.append(_word(m.family) + m.version)  # r1v4: a guessed name keeps a version like 1v4 glued
    else:
        if m.family:
            base.append(_word(m.family))
        if m.version:
            # Right after the base name, so that no later number can be taken for it.
            base.append(_version_token(m))
    if m.variant:
        base.append(m.variant)
    size = [m.parameters.label] if m.parameters else []
    if m.context_length:
        size.append(_context_token(m.context_length))
    finetune: list[str] = []
    if m.distill is not None:
        teacher, student = m.distill.teacher or "", m.distill.base or ""
        if teacher and not teacher.startswith(m.family or "\0"):
            finetune.append(teacher)  # Qwen3.5-…-Claude-4.6-Opus-Distill
        finetune.append("Distill")
        if student and student.split()[0] != (m.family or ""):
            finetune.append(_word(student.split()[0]))
    if m.base_model and m.family:
        finetune.append(_word(m.base_model.split()[0]))
    finetune.extend(_function_word(f) for f in m.functions)
    finetune.extend(m.finetune)
    finetune.extend(m.training)
    late: list[str] = []
    if m.version is None:
        # A letter-and-number word right after the name would read as its version (R1);
        # keep such words at the end, where the original name had them.
        tags = vocabulary().tags
        late = [w for w in finetune if re.fullmatch(r"[A-Za-z]\d+", w) and key(w) not in tags]
        finetune = [w for w in finetune if w not in late]
    if m.date:
        version_part.append(_date_token(m))
    encoding: list[str] = []
    q = m.quantization
    if q is not None:
        if q.dynamic:
            encoding.append("UD")
        if q.imatrix:
            encoding.append("i1")
        scheme = q.scheme
        if scheme.startswith(("EXL2 ", "EXL3 ")) and m.format is None:
            scheme = scheme.split(" ", 1)[1]  # a bare 4.65bpw says EXL2 by itself
        encoding.append(scheme.replace(" ", "-"))
    kind: list[str] = []
    if m.role == "mmproj":
        base.insert(0, "mmproj")
    elif m.role == "lora":
        kind.append("LoRA")
    extension = ""
    if m.format is not None:
        if m.format.extension:
            extension = "." + m.format.extension
            if m.format.id == "ggml" and m.format.extension == "bin":
                kind.append("GGML")  # .bin alone would read as a PyTorch pickle
        else:
            kind.append(m.format.id.upper())
    shard = []
    if m.shard is not None:
        shard.append(f"{m.shard.index:05d}-of-{m.shard.total:05d}")
    if m.kind == "ollama_tag" and not base:
        return None  # a tag with no model name (fp16:7b) has no canonical form
    if m.kind == "ollama_tag":
        # An Ollama tag stays a tag: model:size-finetune-quant
        name = "-".join(p for p in [*base] if p)
        tag = "-".join(p for p in [*size, *finetune, *version_part, *encoding, *kind, *shard, *late] if p)
        return f"{name}:{tag}" if tag else name
    body = "-".join(p for p in [*base, *size, *finetune, *version_part, *encoding, *kind, *shard, *late] if p)
    prefix = f"{m.organization}/" if m.kind == "hf_repo" and m.organization else ""
    return prefix + body + extension


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
