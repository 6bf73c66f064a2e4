"""Stage 3 — the words: every chunk of the name, left to right.

A chunk of one piece is read by its shape first (:data:`~modelname._read.shapes.SHAPES`); a
chunk with letters is tried against the word rules in :data:`WORD_RULES`, in order, until one
takes it.  Every rule takes the cursor, the reading and the vocabulary and returns how many
chunks it used (0: not this rule).  A chunk nobody takes is an unknown word (:func:`unknown`):
the model's own name when it leads the name, else a fine-tune word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .._grammar import Chunk, Piece
from ..tables import Vocabulary, key
from . import place
from .quant import file_type_quant, format_word, method_word, quant_word, set_quant
from .shapes import SHAPES, Rule, parameter_size
from .state import Chunks, Reading
from .values import display, is_locale, is_month_word, month_number, version_text

__all__ = ["read_words", "WORD_RULES", "GLUED_RULES", "unknown"]

_YEAR = re.compile(r"20\d\d")


def read_words(chunks: list[Chunk], r: Reading, v: Vocabulary) -> None:
    """Read every chunk; the cursor moves here only, by what each rule says it used."""
    cur = Chunks(chunks)
    while cur.i < len(chunks):
        cur.chunk = chunks[cur.i]
        used = _read_chunk(cur, r, v)
        if not used:
            unknown(cur, r, v)
            used = 1
        cur.i += used


def _read_chunk(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    chunk = cur.chunk
    kinds = chunk.kinds
    if v.meanings:
        rows = v.meanings.get(r.family) if r.family is not None else None
        if rows is None and r.organization is not None:
            rows = v.meanings.get("org:" + r.organization.lower())
        if rows is not None and meaning(cur, r, rows):
            return 1
    if len(kinds) == 1 and kinds[0] in SHAPES:
        used = SHAPES[kinds[0]](cur, r, v)
        if used:
            return used
    for rule in _rules_at(kinds, chunk.key, v):
        used = rule(cur, r, v)
        if used:
            return used
    return 0


def meaning(cur: Chunks, r: Reading, rows: list[Any]) -> bool:
    """A word or shape whose meaning in this family (``meanings.toml``) differs from the general one."""
    chunk = cur.chunk
    for row in rows:
        if row.version is not None and r.version != row.version:
            continue
        if row.words and chunk.key not in row.words:
            continue
        if row.shape is not None and chunk.kinds != (row.shape,):
            continue
        if row.after is not None:
            before = cur.at(-1)
            if before is None or before.key != row.after:
                continue
        if row.last and cur.at(1) is not None:
            continue
        if row.means == "version":
            r.set_version(row.value, chunk.text, cur.i, "table")
            r.notes[-1].row = row
        else:
            r.add_attribute(row.attribute, row.value or chunk.text, chunk.text, row)
        return True
    return False


def _only(*shapes: tuple[str, ...]) -> Callable[[Rule], Rule]:
    """Mark a word rule as reading only chunks of these shapes (the others skip it)."""

    def mark(rule: Rule) -> Rule:
        rule.shapes = frozenset(shapes)  # type: ignore[attr-defined]
        return rule

    return mark


Gate = Callable[[tuple[str, ...], str, Vocabulary], bool]


def _when(gate: Gate) -> Callable[[Rule], Rule]:
    """Mark a word rule as reading only chunks whose shape and lookup spelling pass ``gate`` — a test
    that may let through chunks the rule then declines, but never stops one it would take."""

    def mark(rule: Rule) -> Rule:
        rule.gate = gate  # type: ignore[attr-defined]
        return rule

    return mark


def _in(*indexes: str) -> Gate:
    """A gate for rules that start with a lookup: the chunk's spelling is in one of these
    vocabulary indexes (a phrase's first word is in its ``…_starts`` index)."""
    return lambda kinds, key, v: any(key in getattr(v, name) for name in indexes)


def _rules_for(kinds: tuple[str, ...]) -> tuple[Rule, ...]:
    """The word rules, in order, that can read a chunk of this shape (all of them for letters)."""
    if not (kinds[0] == "WORD" or kinds == ("NUM", "WORD") or len(kinds) > 1):
        return ()
    return tuple(rule for rule in WORD_RULES if kinds in getattr(rule, "shapes", (kinds,)))


def _rules_at(kinds: tuple[str, ...], key: str, v: Vocabulary) -> tuple[Rule, ...]:
    """The rules for a chunk of this shape and spelling whose gates let it through (remembered)."""
    memo = _RULES_AT if _RULES_AT_VOCABULARY[0] is v else _forget(v)
    rules = memo.get((kinds, key))
    if rules is None:
        by_shape = _RULES_FOR.get(kinds)
        if by_shape is None:
            by_shape = _RULES_FOR[kinds] = _rules_for(kinds)
        rules = tuple(
            rule for rule in by_shape if getattr(rule, "gate", None) is None or rule.gate(kinds, key, v)
        )
        if len(memo) >= _RULES_AT_LIMIT:
            memo.clear()
        memo[(kinds, key)] = rules
    return rules


def _forget(v: Vocabulary) -> dict[tuple[tuple[str, ...], str], tuple[Rule, ...]]:
    """The gates' answers hold for one vocabulary: start again for another."""
    _RULES_AT.clear()
    _RULES_AT_VOCABULARY[0] = v
    return _RULES_AT


_RULES_FOR: dict[tuple[str, ...], tuple[Rule, ...]] = {}
_RULES_AT: dict[tuple[tuple[str, ...], str], tuple[Rule, ...]] = {}
_RULES_AT_VOCABULARY: list[Vocabulary | None] = [None]
_RULES_AT_LIMIT = 65_536  # spellings remembered (a few MB); then it starts again


# --------------------------------------------------------------------------- words of two chunks


@_only(("WORD",))
@_when(lambda kinds, key, v: len(key) == 2)
def locale(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``en_US``, ``it-IT``: a language and a country (a voice's or a language-specific model's
    locale), kept as a fine-tune word (:func:`~modelname._read.values.is_locale`)."""
    chunk, nxt = cur.chunk, cur.at(1)
    if (
        nxt is None
        or chunk.kinds != ("WORD",)
        or nxt.kinds != ("WORD",)
        or nxt.sep not in ("-", "_")
        or not is_locale(chunk.text, nxt.text, v.tags)
    ):
        return 0
    token = f"{chunk.text}{nxt.sep}{nxt.text}"
    r.add_finetune(token, "pattern", locale=token)
    return 2


@_only(("WORD",), ("NUM", "WORD"))
@_when(lambda kinds, key, v: is_month_word(key) or is_month_word(key[4:]))
def month_date(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``sep-2024`` (month name, year) and ``2023mar`` (year, month name) are dates."""
    chunk, nxt = cur.chunk, cur.at(1)
    if r.date is not None:
        return 0
    if chunk.kinds == ("WORD",) and is_month_word(chunk.key) and nxt is not None and nxt.kinds == ("NUM",):
        if _YEAR.fullmatch(nxt.text):
            place.date(r, f"{nxt.text}-{month_number(chunk.key):02d}", f"{chunk.text}{nxt.sep}{nxt.text}")
            return 2
    pieces = chunk.pieces
    if (
        chunk.kinds == ("NUM", "WORD")
        and _YEAR.fullmatch(pieces[0].text)
        and is_month_word(pieces[1].text.lower())
    ):
        place.date(r, f"{pieces[0].text}-{month_number(pieces[1].text):02d}", chunk.text)
        return 1
    return 0


# --------------------------------------------------------------------------- Ollama's own words


@_only(("WORD",))
@_when(lambda kinds, key, v: key == "cloud")
def ollama_cloud(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``gpt-oss:20b-cloud`` runs on Ollama's servers."""
    chunk = cur.chunk
    if r.kind == "ollama_tag" and chunk.key == "cloud" and cur.at(1) is None:
        r.add_provider("-cloud", chunk.start, v.providers.get(("suffix", "-cloud")), note=chunk.text)
        return 1
    return 0


@_only(("WORD",))
@_when(lambda kinds, key, v: key == "text")
def ollama_text(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Ollama's ``-text`` tags are the pretrained (base) models."""
    base = v.tags.get("base")
    if r.kind == "ollama_tag" and cur.chunk.key == "text" and "base" not in r.functions and base is not None:
        return place.tag(cur, r, v, base, 1)
    return 0


# --------------------------------------------------------------------------- families and tags


@_only(("WORD",), ("WORD", "SIZE"))
@_when(lambda kinds, key, v: len(key) <= 2 if len(kinds) == 1 else any(c.isdigit() for c in key[1:3]))
def letter_version(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A version letter right after the family: ``command-r-plus``, ``command-a-03-2025``,
    ``command-r7b`` (R and 7B glued)."""
    chunk = cur.chunk
    if (
        r.family_row is None
        or r.version is not None
        or r.family_at is None
        or cur.i != r.family_at + 1
        or chunk.kinds not in (("WORD",), ("WORD", "SIZE"))
        or len(chunk.pieces[0].text) != 1
    ):
        return 0
    lettered = place.letter(r.family_row, chunk.pieces[0].text)
    if lettered is None:
        return 0
    place.version(cur, r, lettered, chunk.pieces[0].text)
    if len(chunk.pieces) == 2:
        _size_piece(cur, r, v, chunk.pieces[1])
    return 1


def _size_piece(cur: Chunks, r: Reading, v: Vocabulary, piece: Piece) -> None:
    """Read a SIZE piece glued into a word chunk as if it stood alone."""
    alone = Chunk((piece,), "")
    parameter_size(Chunks([alone], 0, alone), r, v)


@_when(_in("family_by_alias", "family_starts"))
def family_phrase(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A family of one or several chunks (``gpt-oss``, ``code-llama``), unless a longer tag
    phrase starts here or it is the family's own alias again (``palm-2-chat-bison``)."""
    found = cur.phrase(v.family_by_alias, v.family_starts)
    if found is None:
        return 0
    row, n = found
    if row is r.family_row and (n > 1 or cur.chunk.key in v.tags):
        return 0
    if r.family is None and _tag_first(cur, v, n):
        return 0
    last = cur.at(n - 1)
    if n > 1 and last.kinds == ("NUM",) and r.family is None and key(row.name) != cur.phrase_key(n):
        # tts-1-hd: the alias spells the version; keep it as the version too (but GPT-3, the
        # family's own name, is just the family)
        used = place.family(cur, r, v, row, n, None)
        if r.version is None:
            r.set_version(version_text(last.text), last.text, cur.i + n - 1)
        return used
    return place.family(cur, r, v, row, n, None)


def _tag_first(cur: Chunks, v: Vocabulary, n: int) -> bool:
    """A tag phrase that is longer than the family match wins."""
    found = cur.phrase(v.tags, v.tag_starts)
    return found is not None and found[1] > n


@_when(_in("tags", "tag_starts"))
def tag_phrase(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Tag words of one or several chunks (``Instruct``, ``Flash-Lite``, ``tool-use``)."""
    found = cur.phrase(v.tags, v.tag_starts)
    return place.tag(cur, r, v, found[0], found[1]) if found is not None else 0


# --------------------------------------------------------------------------- quantization words


@_when(_in("file_types", "file_type_starts"))
def file_type_phrase(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A llama.cpp file type spelled as words rather than as a code (``MXFP4_MOE``)."""
    found = cur.phrase(v.file_types, v.file_type_starts)
    if found is None:
        return 0
    row, n = found
    if n < 2:
        return 0  # a single word (f16, bf16) is a quant word, read below
    set_quant(r, v, file_type_quant(row, v), cur.text(n), row, "table")
    return n


@_when(_in("quant_words", "quant_starts"))
def quant_words(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Quant words (``fp16``, ``int4``, ``nf4``, ``FP8-Dynamic``, ``b1.58``)."""
    found = cur.phrase(v.quant_words, v.quant_starts)
    if found is None:
        return 0
    row, n = found
    quant_word(cur, r, v, row, cur.text(n))
    return n


@_when(_in("method_by_alias"))
def method(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Quantization method words (``AWQ``, ``GPTQ``, ``exl2``, ``bnb``)."""
    row = v.method_by_alias.get(cur.chunk.key)
    if row is None:
        return 0
    method_word(cur, r, v, row)
    return 1


@_when(_in("format_by_alias"))
def format_words(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Format words (``GGUF``, ``mlx``, ``onnx``)."""
    row = v.format_by_alias.get(cur.chunk.key)
    if row is None:
        return 0
    format_word(cur, r, v, row)
    return 1


# --------------------------------------------------------------------------- vendors


@_when(_in("vendor_by_word"))
def vendor_before_family(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``Meta-Llama-3``: the maker's name right before a family."""
    row = v.vendor_by_word.get(cur.chunk.key)
    if row is None or not _next_is_family(cur, v):
        return 0
    r.note("vendor", cur.chunk.text, row)
    return 1


@_when(_in("vendor_by_word"))
def vendor_before_name(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``nous-puffin-70b``: the maker's name, then the model's own name."""
    row = v.vendor_by_word.get(cur.chunk.key)
    nxt = cur.at(1)
    if row is None or r.family is not None or not _only_markers_before(r) or nxt is None:
        return 0
    if nxt.pieces[0].kind != "WORD":
        return 0
    r.note("vendor", cur.chunk.text, row)
    r.vendor_hint = row
    return 1


def _next_is_family(cur: Chunks, v: Vocabulary) -> bool:
    nxt = cur.at(1)
    if nxt is None or nxt.pieces[0].kind != "WORD":
        return False
    return key(nxt.pieces[0].text) in v.family_by_alias or nxt.key in v.family_by_alias


def _only_markers_before(r: Reading) -> bool:
    """True when no word has been read before this chunk: only roles, markers, vendor words or
    shapes such as a size (``mmproj-…``, ``13b-ouroboros``)."""
    return not any(n.field in ("family", "functions", "finetune") for n in r.notes)


# --------------------------------------------------------------------------- glued words


def compound(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A family glued to a tag word: ``starcoderbase``, ``dolphincoder``, ``HunyuanOCR``,
    ``llamaguard``, ``qwen2.5vl`` (family, version, tag), ``t5xxl``, ``360gpt2``."""
    chunk = cur.chunk
    pieces = chunk.pieces
    if len(pieces) == 1 and pieces[0].kind == "WORD":
        return _family_and_tag(cur, r, v, chunk.key, chunk.text, None)
    if (
        pieces[0].kind == "WORD"
        and all(p.kind in ("NUM", "VERSION") for p in pieces[1:])
        and key(pieces[0].text) not in v.family_by_alias
        and r.family is None
    ):
        # OvisOCR2, GemmaCoder3: the same family, tag and version as OvisOCR-2
        return _family_and_tag(cur, r, v, key(pieces[0].text), pieces[0].text, pieces[1:])
    if len(pieces) >= 2 and pieces[-1].kind == "NUM" and r.family is None and pieces[0].kind == "NUM":
        fam = v.family_by_alias.get("".join(p.text for p in pieces[:-1]).lower())
        if fam is not None:  # 360gpt2: 360GPT, version 2
            return place.family(cur, r, v, fam, 1, pieces[-1:])
    if len(pieces) == 3 and [p.kind for p in pieces] == ["WORD", "NUM", "WORD"]:
        return _family_version_tag(cur, r, v, pieces)
    return 0


def _glue_tag(v: Vocabulary, word: str) -> Any:
    row = v.tags.get(word)
    return row if row is not None and row.field in ("functions", "variant", "training") else None


def _family_and_tag(
    cur: Chunks, r: Reading, v: Vocabulary, word: str, text: str, version: tuple[Piece, ...] | None
) -> int:
    """``word`` (lower-case, spelled ``text``) is a family alias and a tag glued; ``version`` the
    pieces glued after them."""
    for cut in range(len(word) - 2, 2, -1):
        fam = v.family_by_alias.get(word[:cut])
        row = _glue_tag(v, word[cut:])
        if fam is not None and row is not None:
            used = place.family(cur, r, v, fam, 1, version)
            if not used:
                return 0
            next(n for n in reversed(r.notes) if n.field in ("family", "base_model")).token = text[:cut]
            place.tag(cur, r, v, row, 0, token=text[cut:], at=cur.i + used)
            return used
    return 0


def _family_version_tag(cur: Chunks, r: Reading, v: Vocabulary, pieces: tuple[Piece, ...]) -> int:
    row = _glue_tag(v, pieces[2].text.lower())
    if row is None:
        return 0
    whole = v.family_by_alias.get((pieces[0].text + pieces[1].text).lower())
    if whole is not None:  # t5xxl: T5, xxl
        used = place.family(cur, r, v, whole, 1, None)
    else:
        fam = v.family_by_alias.get(pieces[0].text.lower())
        if fam is None or r.family is not None:
            return 0
        used = place.family(cur, r, v, fam, 1, pieces[1:2])  # qwen2.5vl: Qwen 2.5, vision
    place.tag(cur, r, v, row, 0, token=pieces[2].text, at=cur.i + used)
    return used


@_when(lambda kinds, key, v: len(kinds) >= 2)
def glued(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Chunks of several pieces: ``Qwen2.5``, ``R1``, ``4o``, ``L3``, ``gemma3n``, ``VL2``.

    The first of :data:`GLUED_RULES` whose shape fits decides: it places the chunk (its count)
    or finds it cannot (the chunk is then unknown); :data:`NO_MATCH` lets the next rule try.
    """
    if len(cur.chunk.pieces) < 2:
        return 0
    for rule in GLUED_RULES:
        used = rule(cur, r, v)
        if used != NO_MATCH:
            return used
    return 0


NO_MATCH = -1
"""A glued rule whose shape does not fit: the next rule tries."""


def _glued_version_letters(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """Version letters of the current family: ``R1``, ``V3``, ``K2``, ``M1``."""
    pieces = cur.chunk.pieces
    first, rest = pieces[0], pieces[1:]
    if first.kind != "WORD" or rest[0].kind != "NUM" or r.family_row is None:
        return NO_MATCH
    lettered = place.letter(r.family_row, first.text)
    if lettered is None or len(rest) > 2 or r.version is not None:
        return NO_MATCH
    tail = "".join(p.text for p in rest)
    return int(place.version(cur, r, lettered + version_text(tail), cur.chunk.text))


def _glued_experts(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``llama4:17b-scout-16e-instruct``: 16 experts of the 17B active just read."""
    pieces = cur.chunk.pieces
    params = r.parameters
    if (
        pieces[0].kind != "NUM"
        or not pieces[0].text.isdigit()
        or len(pieces) != 2
        or pieces[1].text not in ("e", "E")
        or params is None
        or params.get("experts") is not None
        or params["label"][-1] != "B"
    ):
        return NO_MATCH
    experts = int(pieces[0].text)
    params.update(
        label=f"{params['label']}-{experts}E", active=params.get("total"), total=None, experts=experts
    )
    r.note(
        "parameters", cur.chunk.text, None, label=params["label"], active=params["active"], experts=experts
    )
    return 1


def _glued_version_variant(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``una-xaberius-34b-v1beta``: version 1, Beta."""
    pieces = cur.chunk.pieces
    if (
        pieces[0].kind != "WORD"
        or pieces[0].text not in ("v", "V")
        or len(pieces) != 3
        or pieces[1].kind != "NUM"
        or pieces[2].kind != "WORD"
    ):
        return NO_MATCH
    row = v.tags.get(pieces[2].text.lower())
    if row is None or row.field != "variant":
        return NO_MATCH
    place.version(cur, r, version_text(pieces[1].text), pieces[0].text + pieces[1].text)
    place.tag(cur, r, v, row, 0, token=pieces[2].text)
    return 1


def _glued_number_word(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A number glued to a letter or word: ``4o``, ``3n`` (the family's version letters), ``2dpo``,
    ``4.5V`` (a function or training word)."""
    chunk = cur.chunk
    pieces = chunk.pieces
    if pieces[0].kind != "NUM" or len(pieces) != 2 or pieces[1].kind != "WORD":
        return NO_MATCH
    first, word = pieces
    fam_row = r.family_row
    if fam_row is not None and word.text.lower() in (x.lower() for x in fam_row.version_letters):
        if r.version is None:
            return int(place.version(cur, r, version_text(first.text) + word.text.lower(), chunk.text))
    row = v.tags.get(key(word.text))
    if row is None or r.family is None or row.field not in ("training", "functions"):
        return 0
    if (
        row.field == "functions"
        and r.version is None
        and r.family_at is not None
        and cur.i == r.family_at + 1
    ):
        r.set_version(version_text(first.text), first.text, cur.i)  # GLM-4.5V
    return place.tag(cur, r, v, row, 1, token=chunk.text)


def _glued_family(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """A family word with its version glued on: ``Qwen2.5``, ``gemma3n``, ``L3.1`` (a prefix),
    ``o3`` (a prefix that is also the version's letter)."""
    chunk = cur.chunk
    first, rest = chunk.pieces[0], chunk.pieces[1:]
    if first.kind != "WORD":
        return 0
    word = key(first.text)
    fam = v.family_by_alias.get(word)
    if fam is not None:
        return place.family(cur, r, v, fam, 1, rest)
    if rest[0].kind != "NUM":
        return NO_MATCH
    fam = v.family_by_prefix.get(word)
    if fam is None:
        return NO_MATCH
    if fam.versions:
        value = place.family_version(fam, rest)
        if value is None or place.version_note(fam, value) is None:
            return NO_MATCH  # all-MiniLM-L6-v2: there is no Llama 6, so L6 is not an abbreviation
    if r.family is None and _unknown_word_follows(cur, v):
        # L3.3-70B-Euryale-v2.3: a community model named after its Llama 3.3 base
        value = place.family_version(fam, rest)
        r.other_families.append((cur.i, fam, value, chunk.text))
        r.note("base_model", chunk.text, fam, version=value)
        return 1
    lettered = place.letter(fam, first.text)
    if lettered is not None:
        return _lettered_family(cur, r, v, fam, (Piece("WORD", lettered, first.start), *rest))
    return place.family(cur, r, v, fam, 1, rest)


def _lettered_family(cur: Chunks, r: Reading, v: Vocabulary, row: Any, rest: tuple[Piece, ...]) -> int:
    """A family named by its version letter alone (``o3`` = OpenAI o-series, version o3)."""
    if r.family is not None:
        return 0
    value = rest[0].text + version_text("".join(p.text for p in rest[1:]))
    used = place.family(cur, r, v, row, 1, None)
    r.set_version(value, cur.chunk.text, cur.i)
    return used


def _glued_community_version(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``DianJin-R1``: a letter and a number right after a community model's name is its version."""
    pieces = cur.chunk.pieces
    first, rest = pieces[0], pieces[1:]
    if (
        len(first.text) != 1
        or len(rest) != 1
        or rest[0].kind != "NUM"
        or r.family is None
        or r.family_row is not None
        or r.version is not None
        or r.family_at is None
        or cur.i != r.family_at + 1
        or v.tags.get(first.text.lower()) is not None
    ):
        return NO_MATCH
    return int(place.version(cur, r, first.text.upper() + version_text(rest[0].text), cur.chunk.text))


def _glued_tag_number(cur: Chunks, r: Reading, v: Vocabulary) -> int:
    """``VL2``, ``V2`` (vision, version 2), ``Coder2``."""
    pieces = cur.chunk.pieces
    first, rest = pieces[0], pieces[1:]
    row = v.tags.get(key(first.text))
    if row is None or not all(p.kind in ("NUM", "VERSION") for p in rest):
        return 0
    place.tag(cur, r, v, row, 1, token=first.text)
    if r.version is None and r.family is not None:
        tail = "".join(p.text for p in rest)
        r.set_version(version_text(tail), tail, cur.i + 1)
    return 1


GLUED_RULES: tuple[Rule, ...] = (
    _glued_version_letters,
    _glued_experts,
    _glued_version_variant,
    _glued_number_word,
    _glued_family,
    _glued_community_version,
    _glued_tag_number,
)
"""Rules for chunks of several pieces, in order; each returns its count, 0 (the chunk is
unknown) or :data:`NO_MATCH` (the next rule tries)."""


def _unknown_word_follows(cur: Chunks, v: Vocabulary) -> bool:
    """An unknown word comes later (before any other family): the model's own name."""
    for c in cur.items[cur.i + 1 :]:
        if c.sep == ":":
            return False
        if c.pieces[0].kind != "WORD":
            continue
        w = key(c.pieces[0].text)
        if w in v.family_by_alias or c.key in v.family_by_alias:
            return False
        if not (
            c.key in v.tags
            or w in v.tags
            or c.key in v.quant_words
            or c.key in v.method_by_alias
            or c.key in v.format_by_alias
            or c.key in v.vendor_by_word
        ):
            return True
    return False


WORD_RULES: tuple[Rule, ...] = (
    locale,
    month_date,
    ollama_cloud,
    ollama_text,
    letter_version,
    family_phrase,
    tag_phrase,
    file_type_phrase,
    quant_words,
    method,
    format_words,
    vendor_before_family,
    vendor_before_name,
    compound,
    glued,
)
"""The rules for chunks with letters, in the order they are tried."""


# --------------------------------------------------------------------------- unknown words


def unknown(cur: Chunks, r: Reading, v: Vocabulary) -> None:
    """A chunk no rule took: leading the name it is the model's own name (and a number glued to
    it its version); after a name it is a fine-tune word; without letters it is unrecognized."""
    chunk = cur.chunk
    first_word = cur.i == 0 or (r.family is None and not r.finetune and _only_markers_before(r))
    if r.family is None and first_word and chunk.pieces[0].kind == "WORD":
        _own_name(cur, r, chunk)
    elif chunk.pieces[0].kind == "WORD" or (
        r.family is not None and any(p.kind == "WORD" for p in chunk.pieces)
    ):
        r.add_finetune(chunk.text, "pattern", guess=True)
    else:
        r.unrecognized.append(chunk.text)


def _own_name(cur: Chunks, r: Reading, chunk: Chunk) -> None:
    rest = chunk.pieces[1:]
    if rest and not all(p.kind in ("NUM", "VERSION") for p in rest):
        r.guess_family(display(chunk.text), display(chunk.text), cur.i)  # h2ogpt, v1olet: the whole chunk
        return
    name = display(chunk.pieces[0].text)
    r.guess_family(name, name if not rest else chunk.pieces[0].text, cur.i)
    if rest and r.version is None:
        tail = "".join(p.text for p in rest)
        r.set_version(version_text(tail), tail, cur.i)
