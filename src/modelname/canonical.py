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

if TYPE_CHECKING:
    from .model import ModelName

__all__ = ["render"]

_NUMERIC_VERSION = re.compile(r"\d+(?:\.\d+)*")


def _word(text: str) -> str:
    """A multi-word family or tier as one dash-joined name part (``Code Llama`` → ``Code-Llama``)."""
    return "-".join(text.split())


def render(m: ModelName) -> str | None:
    if m.family is None and m.parameters is None and m.quantization is None:
        return None
    base: list[str] = []
    version_part: list[str] = []
    if m.family:
        base.append(_word(m.family))
    if m.version:
        if _NUMERIC_VERSION.fullmatch(m.version):
            version_part.append("v" + m.version)
        else:
            base.append(m.version)  # R1, V3, 4o, 3n: part of the model's name
    if m.variant:
        base.append(m.variant)
    size = [m.parameters.label] if m.parameters else []
    if m.context_length and not m.parameters:
        size = []
    finetune: list[str] = []
    if m.distill is not None:
        teacher, student = m.distill.teacher or "", m.distill.base or ""
        if teacher and not teacher.startswith(m.family or "\0"):
            finetune.append(teacher)  # Qwen3.5-…-Claude-4.6-Opus-Distill
        finetune.append("Distill")
        if student and student.split()[0] != (m.family or ""):
            finetune.append(_word(student.split()[0]))
    if m.base_model:
        finetune.append(_word(m.base_model.split()[0]))
    finetune.extend(_function_word(f) for f in m.functions)
    finetune.extend(m.finetune)
    finetune.extend(m.training)
    if m.date:
        version_part.append(_date_token(m.date))
    encoding: list[str] = []
    q = m.quantization
    if q is not None:
        if q.dynamic:
            encoding.append("UD")
        if q.imatrix:
            encoding.append("i1")
        encoding.append(q.scheme.replace(" ", "-"))
    kind: list[str] = []
    if m.role == "mmproj":
        base.insert(0, "mmproj")
    elif m.role == "lora":
        kind.append("LoRA")
    extension = ""
    if m.format is not None:
        if m.format.extension:
            extension = "." + m.format.extension
        elif q is None or q.method not in (m.format.id,):
            kind.append(m.format.id.upper())
    shard = []
    if m.shard is not None:
        shard.append(f"{m.shard.index:05d}-of-{m.shard.total:05d}")
    body = "-".join(p for p in [*base, *size, *finetune, *version_part, *encoding, *kind, *shard] if p)
    prefix = f"{m.organization}/" if m.kind == "hf_repo" and m.organization else ""
    return prefix + body + extension


_FUNCTION_WORDS = {
    "instruct": "Instruct",
    "chat": "Chat",
    "base": "Base",
    "coder": "Coder",
    "math": "Math",
    "vision": "Vision",
    "audio": "Audio",
    "omni": "Omni",
    "embedding": "Embedding",
    "reranker": "Reranker",
    "reasoning": "Reasoning",
    "tool-use": "Tool-Use",
    "fim": "FIM",
    "guard": "Guard",
    "ocr": "OCR",
}


def _function_word(fn: str) -> str:
    return _FUNCTION_WORDS.get(fn, fn)


def _date_token(date: str) -> str:
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
        return date.replace("-", "")
    if re.fullmatch(r"\d{4}-\d\d", date):
        return date[2:4] + date[5:]
    return date
