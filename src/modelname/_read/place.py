"""Where a value goes when the name has one already: the placing rules shared by the word stage.

Each function takes the cursor (where the value was read), the reading and the value, writes
through the reading's setters and returns how many chunks it used (``0``: it did not place it).
"""

from __future__ import annotations

from typing import Any

from .._grammar import Piece
from ..tables import Vocabulary
from .state import Chunks, Reading
from .values import version_text

__all__ = [
    "version",
    "date",
    "context",
    "family",
    "tag",
    "letter",
    "family_version",
    "version_note",
]


def version(cur: Chunks, r: Reading, value: str, token: str) -> bool:
    """The first version goes to ``version`` (once a family is known, or at the very start, or when
    no other family came first); ``internlm2 … v2.5`` refines a bare major version; a later one is
    the fine-tune's own (``Lexi-Uncensored-V2``)."""
    if r.version is None and (r.family is not None or cur.i == 0 or not r.other_families):
        r.set_version(value, token, cur.i)
        return True
    if (
        r.version is not None
        and r.version.isdigit()
        and value.startswith(r.version + ".")
        and r.family_row is not None
        and not r.finetune
        and not r.other_families  # L3-8B-Stheno-v3.2: a family came between, the version is its own
    ):
        r.version = value  # internlm2:7b-chat-1m-v2.5: the tag's version refines the name's major version
        r.note("version", token, None, version=value)
        return True
    if r.version is not None and r.family is not None:
        r.add_finetune(token, "pattern", version=value)
        return True
    return False


def date(r: Reading, value: str, token: str, how: str = "pattern") -> bool:
    """The first date only."""
    if r.date is not None:
        return False
    r.set_date(value, token, how)
    return True


def context(r: Reading, tokens: int, token: str) -> bool:
    """The first context length only."""
    if r.context_length is not None:
        return False
    r.set_context(tokens, token)
    return True


def letter(row: Any, text: str) -> str | None:
    """The family's own spelling of a version letter (``r`` → ``R`` for DeepSeek), or None."""
    if row is None or len(text) != 1:
        return None
    for x in row.version_letters:
        if x.lower() == text.lower():
            return str(x)
    return None


def family_version(row: Any, rest: tuple[Piece, ...]) -> str | None:
    """The version glued to a family word: ``Qwen2.5`` → 2.5, ``gemma3n`` → 3n, ``MiniCPM3`` → 3."""
    text = "".join(p.text for p in rest)
    if rest[0].kind == "NUM" and all(p.kind in ("NUM", "VERSION") for p in rest):
        return version_text(text)
    if (
        len(rest) == 2
        and rest[0].kind == "NUM"
        and rest[1].kind == "WORD"
        and rest[1].text.lower() in (x.lower() for x in row.version_letters)
    ):
        return version_text(rest[0].text) + rest[1].text.lower()
    if rest[0].kind == "VERSION":
        return version_text(text)
    return None


def version_note(row: Any, value: str | None) -> tuple[Any, str | None] | None:
    """The family table's note on a version and, when the name spelled it by an alias (GPT ``35``),
    the table's own spelling (``3.5``)."""
    if value is None or row is None:
        return None
    notes = row.versions
    if value in notes:
        return notes[value], None
    for name, note in notes.items():
        if value in note.aliases:
            return note, name
    return None


def family(cur: Chunks, r: Reading, v: Vocabulary, row: Any, n: int, rest: tuple[Piece, ...] | None) -> int:
    """A family the tables know, spelled by ``n`` chunks (and ``rest``, pieces glued after it).

    The first family of the name is *the* family; a later one is a base model, a distillation
    teacher or student (decided in the resolve stage) and takes a version that follows it.
    Returns the chunks used, 0 when the glued pieces are no version of it.
    """
    token = cur.text(n)
    value = None
    if rest:
        value = family_version(row, rest)
        if value is None:
            return 0
    if r.family is None:
        return _first_family(cur, r, v, row, n, rest, token, value)
    at = cur.i
    used = n
    nxt = cur.at(n)
    if value is None and nxt is not None:
        value = _following_version(row, nxt)
        if value is not None:
            used += 1
    r.other_families.append((at, row, value, token))
    r.note("base_model", token, row, version=value)
    return used


def _first_family(
    cur: Chunks,
    r: Reading,
    v: Vocabulary,
    row: Any,
    n: int,
    rest: tuple[Piece, ...] | None,
    token: str,
    value: str | None,
) -> int:
    chunk = cur.chunk
    r.set_family(row, token, cur.i)
    if rest is None and n == 1 and chunk.kinds == ("NUM", "WORD"):
        # 4.0Ultra (iFlytek Spark): an id made of a version and a tier
        tier = v.tags.get(chunk.pieces[1].text.lower())
        if tier is not None and tier.field == "variant":
            value = version_text(chunk.pieces[0].text)
            r.variant.append(tier.word)
            r.source("variant", "table")
    if value is not None:
        r.set_version(value, "".join(p.text for p in rest or ()), cur.i + n - 1)
    return n


def _following_version(row: Any, nxt: Any) -> str | None:
    """The version of a later family written as the next chunk (``-Qwen-2.5``, ``-Llama-v3``)."""
    if nxt.kinds == ("NUM",) and nxt.sep not in (":", "_") and len(nxt.text) < 4:
        return version_text(nxt.text)
    lettered = letter(row, nxt.text[:1]) if nxt.kinds == ("VERSION",) else None
    if lettered is not None and nxt.sep != ":":
        return lettered + version_text(nxt.text[1:])
    if len(nxt.pieces) == 2 and nxt.kinds[0] == "WORD" and nxt.kinds[1] == "NUM":
        lettered = letter(row, nxt.pieces[0].text)
        if lettered is not None:
            return lettered + version_text(nxt.pieces[1].text)
    return None


def tag(
    cur: Chunks, r: Reading, v: Vocabulary, row: Any, n: int, token: str | None = None, at: int | None = None
) -> int:
    """A tag word (tags.toml) goes where its ``field`` says; returns ``n``.

    ``Base`` of an embedding, reranker or speech family that sizes its models by words
    (bge-base, whisper-base) is a size tier, not a pretrained-only model.  ``at`` is the chunk
    position of the word when it is glued into a chunk read before (default: the cursor).
    """
    token = token or cur.text(n)
    at = cur.i if at is None else at
    field = row.field
    fam = r.family_row
    if row.id == "base" and fam is not None and (_sized_by_words(v, fam) or "base" in fam.size_words):
        r.add_variant("base", token, row)
        return n
    if field == "variant":
        r.add_variant(row.word, token, row)
        return n
    if field == "functions":
        r.add_function(row.id, token, row)
    elif field == "training":
        r.add_training(row.word, token, row)
    elif field == "finetune":
        r.add_finetune(row.word, "table", token, row)  # the table's spelling: lorablated → abliterated
    elif field == "role":
        r.set_role(row.id, token, row)
    elif field == "marker":
        _marker(cur, r, row, token, at)
    else:
        r.note("filler", token, row)
    if row.category and r.category is None:
        r.category = row.category
        r.source("category", "table")
    return n


def _sized_by_words(v: Vocabulary, fam: Any) -> bool:
    category = v.categories.get(fam.category)
    return category is not None and category.size_tiers


def _marker(cur: Chunks, r: Reading, row: Any, token: str, at: int) -> None:
    """imatrix and Unsloth-dynamic markers go to the quantization (now or when it comes);
    ``Distill`` marks where the distillation's families stand; ``MoE`` explains the size."""
    what = row.id
    if (
        what == "imatrix"
        and token.lower() == "imatrix"
        and at == len(cur.items) - 1
        and r.kind in ("file", "gguf_file")
        and r.quantization is None
    ):
        # imatrix.dat, Qwen2.5-7B.imatrix.gguf: the importance-matrix file itself, not a model
        r.set_role("imatrix", token, row)
        return
    if what in ("imatrix", "dynamic"):
        r.note("quantization", token, row)
        if r.quantization is not None:
            r.quantization[what] = True
        elif what == "imatrix":
            r.pending_imatrix = True
        else:
            r.pending_dynamic = True
    elif what == "distill":
        r.distill_at = at
        r.note("distill", token, row)
    elif what == "moe":
        r.note("parameters", token, row)
    else:
        r.note("filler", token, row)
