"""The word stage for chunks of one shape: sizes, quant codes, dates, versions, numbers, shards.

:data:`SHAPES` maps a grammar terminal to the function that reads a chunk made of that one
piece.  Each function takes the cursor, the reading and the vocabulary, and returns how many
chunks it used — 0 when the chunk is not what its shape suggests here (a second size that is
no training-token count, a version when one is known), so the word rules or the unknown-word
rule read it instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..tables import Vocabulary, key
from . import place
from .quant import code_quant, quant_word, set_quant
from .state import Chunks, Reading
from .values import (
    context_tokens,
    is_not_a_date,
    is_token_context,
    number_text,
    plausible_context,
    size,
    valid_date,
    version_text,
)

__all__ = ["SHAPES", "Rule"]

Rule = Callable[[Chunks, Reading, Vocabulary], int]
_DIGITS = re.compile(r"\d+")
_NUMBER = re.compile(r"\d+(?:[._]\d+)?")


def shard(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``00001-of-00003``, ``part1of2``: part ``index`` of ``total`` files."""
    text = cur.chunk.text
    index, total = (int(n) for n in _DIGITS.findall(text))
    r.shard = {"index": index, "total": total}
    r.source("shard", "pattern")
    r.note("shard", text, None, index=index, total=total)
    return 1


def date(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``2024-06-20``, ``20240620``, ``08-2024`` (month-year): the first date of the name."""
    text = cur.chunk.text
    if len(text) == 7:  # 08-2024
        iso = f"{text[3:]}-{text[:2]}"
    else:
        digits = text.replace("-", "")
        iso = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return int(place.date(r, iso, text))


def gguf_quant(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A llama.cpp quant code: the file type the table knows, or the code as written."""
    text = cur.chunk.text
    quant, row = code_quant(text, v)
    set_quant(r, v, quant, text, row, "table" if row is not None else "pattern")
    return 1


def mlc_quant(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """MLC-LLM's ``q4f16_1``: 4-bit weights with 16-bit float scales, MLC's method."""
    text = cur.chunk.text
    row = v.quant_words.get(key(text))
    bits = int(_DIGITS.search(text).group())  # type: ignore[union-attr]
    quant = {"scheme": text.lower(), "method": "mlc", "bits": bits or None}
    if row is not None:
        quant.update({k: getattr(row, k) for k in ("bits", "bits_per_weight") if getattr(row, k) is not None})
    set_quant(r, v, quant, text, row or v.methods.get("mlc"), "table" if row else "pattern")
    return 1


def bits(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``4bit``, ``8bits``: the bits of the method named before (``bnb-4bit``), else the scheme."""
    token = cur.chunk.text
    number = float(_NUMBER.match(token).group().replace("_", "."))  # type: ignore[union-attr]
    if number in (1.58, 1.5):
        row = v.quant_words.get("1.58bit")
        if row is not None:
            quant_word(cur, r, v, row, token)
            return 1
    q = r.quantization
    if q is not None and (q.get("bits") is None or q.get("bits") == number and q.get("method")):
        q["bits"] = number  # bnb-4bit, AWQ-4bit: the bits of the method named before
        q["scheme"] = f"{q['scheme']}-{token}"
        r.note("quantization", token, None, bits=number)
        return 1
    if q is not None:
        return 0
    set_quant(
        r, v, {"scheme": f"{number_text(number)}bit", "method": None, "bits": number}, token, None, "pattern"
    )
    return 1


def bpw(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``4.65bpw`` (bits per weight, ExLlama's unit) and ``h6`` (head bits)."""
    token = cur.chunk.text
    text = token.lower()
    if text.startswith("h"):
        r.note("quantization", token, v.tags.get("h6"), head_bits=int(text[1:]))
        return 1
    written = text[:-3].replace("_", ".")
    number = float(written)
    q = r.quantization
    old = v.methods.get(q["method"]) if q is not None and q.get("method") else None
    if q is not None and old is not None and old.bpw and q.get("bits") is None:
        q["bits"] = number
        q["scheme"] = f"{q['scheme']} {written}bpw"
        r.note("quantization", token, None, bits=number)
        return 1
    if q is not None or v.bpw_method is None:
        return 0
    m = v.bpw_method
    set_quant(
        r, v, {"scheme": f"{m.name} {written}bpw", "method": m.id, "bits": number}, token, None, "pattern"
    )
    return 1


def parameter_size(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``7B``, ``30B-A3B``, ``8x7B`` …; a small ``1M`` is a context; a second size 50× the first
    is a training-token count (``TinyLlama-1.1B-…-3T``)."""
    text = cur.chunk.text
    found = size(text)
    if found is None:
        return 0
    if found.get("context") is not None:
        r.context_from_m = text
        return int(place.context(r, found["context"], text))
    params = r.parameters
    if params is None:
        r.set_parameters(found, text)
        return 1
    if found["label"] == params["label"]:
        r.note("parameters", text, None, repeated=True)
        return 1
    total, first = found.get("total"), params.get("total") or params.get("active")
    if total and first and total >= 50 * first:
        r.add_finetune(text, "pattern", tokens=total)
        return 1
    return 0


def context(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``128k``: a context window when the number is a plausible one, else a count of examples
    (``Code-290k``, ``dpo-7k``), kept as a fine-tune word."""
    text = cur.chunk.text
    if not plausible_context(float(text[:-1])):
        r.add_finetune(text, "pattern", count=text)
        return 1
    return int(place.context(r, context_tokens(text), text))


def version(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``v0.2``, ``V3``: a version; a family's own version letter keeps its case (DeepSeek ``V3``)."""
    text = cur.chunk.text
    fam = r.family_row
    lettered = place.letter(fam, text[:1]) if fam is not None else None
    if lettered is not None and "." not in text[1:2]:
        return int(place.version(cur, r, lettered + version_text(text[1:]), text))
    return int(place.version(cur, r, version_text(text), text))


def _number_date(cur: Chunks, r: Reading, text: str) -> int | None:
    """Six digits (YYMMDD) and four (YYMM or MMDD, as the family writes them) after the name.
    None when the digits are no date; 0 when they are one but the name has its date already."""
    if len(text) == 6 and r.family is not None and valid_date(text, "yymmdd"):
        return int(place.date(r, f"20{text[:2]}-{text[2:4]}-{text[4:]}", text))
    if len(text) != 4 or r.family is None or cur.i == 0 or is_not_a_date(text):
        return None
    fmt = r.family_row.date_format if r.family_row is not None else None
    if fmt == "yymm" and valid_date(text, "yymm"):
        return int(place.date(r, f"20{text[:2]}-{text[2:]}", text, "table"))
    if fmt == "mmyy" and valid_date(text[2:] + text[:2], "yymm"):
        return int(place.date(r, f"20{text[2:]}-{text[:2]}", text, "table"))  # OLMo-7B-0424
    if fmt is None and int(text[:2]) >= 13 and valid_date(text, "yymm"):
        return int(place.date(r, f"20{text[:2]}-{text[2:]}", text))
    if valid_date(text, "mmdd"):
        return int(place.date(r, text, text, "table" if fmt == "mmdd" else "pattern"))
    return None


def _month_day(cur: Chunks, r: Reading, text: str) -> int:
    """Two-digit month-day pairs after a version: ``gemini-2.5-pro-preview-05-06``."""
    nxt = cur.at(1)
    if (
        len(text) == 2
        and nxt is not None
        and nxt.kinds == ("NUM",)
        and len(nxt.text) == 2
        and nxt.sep == "-"
        and r.version is not None
        and valid_date(text + nxt.text, "mmdd")
        and r.date is None
    ):
        place.date(r, f"{text}-{nxt.text}", f"{text}-{nxt.text}")
        return 2
    return 0


def number(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A plain number: a date, a context in tokens (``llama3-70b-8192``), a revision
    (``gemini-1.5-pro-002``), the minor half of a version (``claude-3-5``), an image size or
    length (``512``), else a version."""
    text = cur.chunk.text
    if text.isdigit():
        dated = _number_date(cur, r, text)
        if dated is not None:
            return dated
        used = _number_word(cur, r, v, text)
        if used:
            return used
    return int(place.version(cur, r, version_text(text), text))


def _number_word(cur: Chunks, r: Reading, v: Vocabulary, text: str) -> int:
    if is_token_context(text) and r.context_length is None and (r.parameters or r.version):
        return int(place.context(r, int(text), text))
    used = _month_day(cur, r, text)
    if used:
        return used
    if len(text) == 3 and text.startswith("00") and r.version is not None:
        r.add_finetune(text, "table", row=v.tags.get("001"))  # a zero-padded revision
        return 1
    if (
        r.version is not None
        and cur.i == (r.version_at if r.version_at is not None else -9) + 1
        and cur.chunk.sep == "-"
        and len(text) == 1
        and "." not in r.version
        and r.version.lstrip("VRKMXTZvrkmxtz").isdigit()
    ):
        # claude-3-5-sonnet: a second number right after the version joins it
        r.version = f"{r.version}.{text}"
        r.note("version", text, None, version=r.version)
        r.version_at = cur.i
        return 1
    n = int(text)
    if n >= 256 and n & (n - 1) == 0:
        r.add_finetune(text, "pattern", count=text)  # 512, 1024: an image size or a length
        return 1
    return 0


def symbol(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``+`` after the name: the Plus tier (``Qwen-Plus``, ``command-r+``)."""
    if cur.chunk.text == "+" and cur.i > 0:
        r.add_variant("Plus", "+", v.tags.get("plus"))
        return 1
    return 0


SHAPES: dict[str, Rule] = {
    "SHARD": shard,
    "DATE": date,
    "GGUF_QUANT": gguf_quant,
    "MLC_QUANT": mlc_quant,
    "BITS": bits,
    "BPW": bpw,
    "SIZE": parameter_size,
    "CONTEXT": context,
    "VERSION": version,
    "NUM": number,
    "SYMBOL": symbol,
}
"""Grammar terminal → the rule for a chunk that is one piece of that shape."""
