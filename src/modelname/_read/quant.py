"""Quantization: llama.cpp codes, quant words, method words and format words, and which wins.

A name can say its quantization several times (``Qwen2.5-7B-Instruct-AWQ-4bit``,
``salamandra-7b-instruct.Q4_K_M-f32``, ``bnb-4bit``); the rules of :func:`set_quant` decide:

- a llama.cpp scheme outranks a vaguer label, and a real quant outranks the unquantized dtype
  of its source (``goliath-…-fp16.Q2_K``); between two llama.cpp quants the last one counts;
- a bit word after a method that takes one gives the method's bits (``GPTQ-Int8``);
- a method named after a plain width refines it (``int4-awq``).
"""

from __future__ import annotations

import re
from typing import Any

from ..tables import Vocabulary, key
from .state import Chunks, Reading

__all__ = ["set_quant", "quant_word", "method_word", "format_word", "file_type_quant", "container"]

_LEADING_BITS = re.compile(r"(?i)[it]?q(\d)")


def file_type_quant(row: Any, v: Vocabulary) -> dict[str, Any]:
    """The quantization a llama.cpp file type (file_types.toml row) stands for.  Its
    ``bits_per_weight`` is the size of the GGML type the scheme is named after (IQ2_S: 2.5625), or,
    for a mix whose name is no GGML type (Q4_K_M, IQ2_M), of the type most of its tensors use."""
    tensor = v.ggml_types.get(row.scheme) or v.ggml_types.get(row.tensor_type)
    return {
        "scheme": row.scheme,
        "method": "gguf",
        "bits": row.bits,
        "bits_per_weight": tensor.bits_per_weight if tensor else None,
        "file_bits_per_weight": row.file_bits_per_weight,
    }


def code_quant(text: str, v: Vocabulary) -> tuple[dict[str, Any], Any]:
    """A llama.cpp quant code (``Q4_K_M``, ``IQ4_KS``): the table's file type.  A code the table
    does not know is kept as written: a longer spelling of a known code (``Q4_0_S``) has that
    code's bits and tensor type; any other has the bit count its first digit gives (``Q8_K_P``)."""
    row = v.file_types.get(key(text))
    if row is not None:
        return file_type_quant(row, v), row
    parts = key(text).split("-")
    for n in range(len(parts) - 1, 1, -1):
        known = v.file_types.get("-".join(parts[:n]))
        if known is not None:
            quant = file_type_quant(known, v)
            quant.update(scheme=text.upper(), file_bits_per_weight=None)
            return quant, None
    m = _LEADING_BITS.match(text)
    return {"scheme": text.upper(), "method": "gguf", "bits": int(m.group(1)) if m else None}, None


def container(r: Reading, v: Vocabulary, method: str | None = None) -> str | None:
    """``gguf``/``ggml`` when the name is a llama.cpp file (or a llamafile), else None.
    In an Ollama tag only plain dtypes are GGUF: its nvfp4/mxfp8 tags run on the MLX engine."""
    fmt = v.formats.get(r.format["id"]) if r.format else None
    if fmt is not None and fmt.container:
        return fmt.container
    if r.kind == "gguf_file" or r.kind == "ollama_tag" and method is None:
        return "gguf"
    return None


def _is_container(v: Vocabulary, method: str | None) -> bool:
    return method in v.containers


def set_quant(r: Reading, v: Vocabulary, quant: dict[str, Any], token: str, row: Any, how: str) -> None:
    """Set the quantization, or keep the one already read when it outranks this one (module rules)."""
    quant.setdefault("imatrix", False)
    quant.setdefault("dynamic", False)
    if r.pending_imatrix:
        quant["imatrix"] = True
    if r.pending_dynamic:
        quant["dynamic"] = True
    if quant.get("method") is None and r.method_hint is not None:
        quant["method"] = r.method_hint
    old = r.quantization
    if old is not None:
        if _keeps(old, quant, v):
            r.note("quantization", token, row, secondary=True)
            return
        for k in ("imatrix", "dynamic"):
            quant[k] = quant[k] or old.get(k, False)
        if quant.get("bits") is None:
            quant["bits"] = old.get("bits")
        if old.get("method") and not quant.get("method"):
            quant["method"] = old["method"]
    r.quantization = quant
    r.source("quantization", how)
    r.note("quantization", token, row)


def _keeps(old: dict[str, Any], new: dict[str, Any], v: Vocabulary) -> bool:
    """Whether the quantization read before outranks ``new``."""
    old_cpp, new_cpp = _is_container(v, old.get("method")), _is_container(v, new.get("method"))
    if old_cpp and not new_cpp:
        return True
    if old_cpp and new_cpp and key(old["scheme"]) in v.file_types:
        new_known = key(new["scheme"]) in v.file_types
        old_float = (old.get("bits") or 0) >= 16
        new_float = (new.get("bits") or 0) >= 16
        return new_float or not new_known and not old_float
    return False


def quant_word(cur: Chunks, r: Reading, v: Vocabulary, row: Any, token: str) -> None:
    """A quant word (quant_words.toml): after a method that takes bits it gives them
    (``GPTQ-Int8``); in a llama.cpp file a dtype is the file type (``f16``); else it is the scheme."""
    quant: dict[str, Any] = {"scheme": row.scheme, "method": row.method}
    _bits_fields(quant, row)
    q = r.quantization
    method = v.methods.get(q["method"]) if q is not None and q.get("method") else None
    if q is not None and method is not None and method.takes_bits:
        if row.bits is not None and q.get("bits") in (None, row.bits):
            q["bits"] = row.bits
            q["scheme"] = f"{q['scheme']}-{token}"
        r.note("quantization", token, row)
        return
    cpp = container(r, v, row.method)
    if cpp is not None:
        ft = v.file_types.get(key(token))
        if ft is not None:
            quant = file_type_quant(ft, v)
            quant["method"] = cpp
            set_quant(r, v, quant, token, ft, "table")
            return
        quant["method"] = cpp  # MXFP4, NVFP4 inside a GGUF file are llama.cpp types
    set_quant(r, v, quant, token, row, "table")


def _bits_fields(quant: dict[str, Any], row: Any) -> None:
    if row.bits is not None:
        quant["bits"] = row.bits
    if row.bits_per_weight is not None:
        quant["bits_per_weight"] = row.bits_per_weight


def method_word(cur: Chunks, r: Reading, v: Vocabulary, row: Any) -> None:
    """A method word (quant_methods.toml): refines a plain width before it (``int4-awq``), names
    the method of a bpw figure (``6.0bpw-exl3``), else becomes the quantization."""
    chunk = cur.chunk
    q = r.quantization
    old = v.methods.get(q["method"]) if q is not None and q.get("method") else None
    if q is not None and (old is None or old.plain) and (q.get("bits") or 0) < 16 and not row.as_format:
        # int4-awq, 4bit-gptq: the method named after the bits
        q["method"] = row.id
        if q.get("bits_per_weight") is None and row.bits_per_weight is not None:
            q["bits_per_weight"] = row.bits_per_weight
        q["scheme"] = f"{row.name}-{q['scheme']}" if q.get("scheme") else row.name
        r.note("quantization", chunk.text, row)
        return
    if q is not None and _is_container(v, q.get("method")):
        r.note("quantization", chunk.text, row, secondary=True)
        return
    if q is not None and old is not None and old.bpw and row.bpw:
        # 6.0bpw-h6-exl2: the bpw came first; the word names the method
        if row.id != old.id:
            q["method"] = row.id
            q["scheme"] = q["scheme"].replace(old.name, row.name)
        r.note("quantization", chunk.text, row)
        fmt = row.format or (v.bpw_method.format if v.bpw_method else None)
        if r.format is None and fmt is not None:
            r.set_format(fmt, None)
        return
    quant = {"scheme": row.name, "method": row.id, "bits": row.bits}
    if row.bits_per_weight is not None:
        quant["bits_per_weight"] = row.bits_per_weight
    if q is not None and q.get("bits") is not None and q["bits"] < 16:
        quant["bits"] = q["bits"]
    set_quant(r, v, quant, chunk.text, row, "table")
    if row.format and r.format is None:
        r.set_format(row.format, None)


def format_word(cur: Chunks, r: Reading, v: Vocabulary, row: Any) -> None:
    """A format word (``GGUF`` of a repo, ``mlx``): the format when none is known yet; a ``ggml``
    word makes a ``.bin`` a legacy GGML file; ``mlx``/``mlc`` also name the quant's method; a
    format word right before a split-file suffix is the file's extension (``model.gguf.part1of2``)."""
    chunk = cur.chunk
    if r.format is None:
        r.set_format(row.id, None)
    elif row.container == "ggml" and r.format == {"id": "pytorch", "extension": "bin"}:
        r.format = {"id": row.id, "extension": "bin"}  # .bin is ambiguous: a ggml word says GGML
    r.note("format", chunk.text, row)
    method = v.methods.get(row.id)
    if method is not None and method.as_format and row.container is None:
        r.method_hint = row.id
        if r.quantization is not None and r.quantization.get("method") is None:
            r.quantization["method"] = row.id
    if row.container == "ggml" and r.quantization is not None and r.quantization.get("method") == "gguf":
        r.quantization["method"] = "ggml"
    nxt = cur.at(1)
    if chunk.sep == "." and row.extensions and (nxt is None or nxt.kinds == ("SHARD",)):
        if r.format is not None and r.format.get("extension") is None:
            r.format = {"id": row.id, "extension": chunk.key}
            r.kind = "gguf_file" if row.id == "gguf" else "file"
            r.role = r.role or "model"
