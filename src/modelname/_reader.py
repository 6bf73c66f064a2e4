"""Give the pieces of a parsed name their meaning, using the vocabulary tables.

Input: a :class:`~modelname._grammar.Skeleton` (shapes only).  Output: the
keyword arguments of :class:`~modelname.model.ModelName` plus notes for the
explanations.  The reading goes left to right over the chunks of the name:

1. the path: URL host and namespaces become ``provider`` and ``organization``;
2. the tag after ``:``: a serving suffix (``:free``, Bedrock ``v1:0``) or an
   Ollama tag, whose chunks are read like the rest of the name;
3. the extension: a known model format, else an ordinary word;
4. every chunk, by its shape first (size, quant, date, shard …) and then by the
   tables (family, tag words, quant methods, formats, vendors); a word nobody
   knows becomes the family if it leads the name, else part of ``finetune``;
5. what follows from the whole: vendor, known totals of MoE sizes, distillation
   roles, category, kind.

Each value records whether a table said it (``table``) or only its shape or
position did (``pattern``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._grammar import Chunk, Piece, Skeleton
from .tables import Vocabulary, key, vocabulary

__all__ = ["read", "Reading", "Note"]

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH_WORDS = frozenset(
    {
        *_MONTHS,
        "sept",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
_TOKEN_CONTEXTS = frozenset({"2048", "4096", "8192", "16384", "32768", "65536", "131072", "262144"})
_NOT_DATES = frozenset({"1024", "0512", "0256", "0128", "0064", "1080", "0720", "0480"})
_RESOLUTION = re.compile(r"^\d{3,5}-?x-?\d{3,5}$")
_REGION = re.compile(r"^(?:[a-z]{2}(?:-gov)?-[a-z]+-\d|us|eu|apac|global|jp|au|ca)$", re.I)
_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class Note:
    """One recognized part: which field, the text in the name, and the table row behind it."""

    field: str
    token: str
    row: dict[str, Any] | None = None  # the table row that explains it, if any
    info: dict[str, Any] | None = None  # values for pattern explanations (size in GB …)


@dataclass
class Reading:
    """Everything read from one name, before it becomes a ModelName."""

    kind: str = "api_name"
    provider: list[tuple[int, str]] = field(default_factory=list)  # (position in the name, text)
    organization: str | None = None
    vendor: str | None = None
    family: str | None = None
    family_row: dict[str, Any] | None = None
    version: str | None = None
    variant: list[str] = field(default_factory=list)
    parameters: dict[str, Any] | None = None
    context_length: int | None = None
    date: str | None = None
    distill: dict[str, Any] | None = None
    base_model: str | None = None
    functions: list[str] = field(default_factory=list)
    category: str | None = None
    finetune: list[str] = field(default_factory=list)
    training: list[str] = field(default_factory=list)
    quantization: dict[str, Any] | None = None
    format: dict[str, Any] | None = None
    role: str | None = None
    shard: dict[str, int] | None = None
    resolved: dict[str, str] | None = None
    unrecognized: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    # working state
    other_families: list[tuple[int, dict[str, Any], str | None, str]] = field(default_factory=list)
    distill_at: int | None = None
    version_at: int | None = None
    family_at: int | None = None
    bits_hint: float | None = None
    vendor_hint: dict[str, Any] | None = None
    bedrock_version: str | None = None
    dotted: bool = False  # the name started with a dotted vendor (anthropic.claude-…)
    base_rows: list[dict[str, Any]] = field(default_factory=list)  # families a derivative is built on
    distill_rows: list[Any] = field(default_factory=list)  # other families used as teacher/student
    date_token: str | None = None  # the date as written (0528)
    context_from_m: str | None = None  # a 1M-style size read as a context length

    def add_provider(self, text: str, position: int) -> None:
        self.provider.append((position, text))
        self.source("provider", "table")

    def source(self, name: str, how: str) -> None:
        """Record provenance; a field is ``table`` only if every part of it came from a table."""
        if self.sources.get(name) != "pattern":
            self.sources[name] = how

    def note(self, name: str, token: str, row: dict[str, Any] | None = None, **info: Any) -> None:
        self.notes.append(Note(name, token, row, info or None))


def read(skel: Skeleton) -> Reading:
    vocab = vocabulary()
    r = Reading()
    chunks = list(skel.leaf)
    _read_path(skel, r, vocab)
    chunks = _read_tag(skel, chunks, r, vocab)
    chunks = _read_extension(skel, chunks, r, vocab)
    chunks = _read_dotted_prefixes(chunks, r, vocab)
    _Words(chunks, r, vocab).run()
    _conclude(skel, r, vocab)
    if r.kind == "ollama_tag":
        _resolve_ollama(skel, r, vocab)
    return r


def _resolve_ollama(skel: Skeleton, r: Reading, vocab: Vocabulary) -> None:
    """Ollama library tags that are really another model (deepseek-r1:7b is a Qwen distill)."""
    start = skel.namespaces[-1].start + len(skel.namespaces[-1].text) if skel.namespaces else 0
    rows = vocab.ollama.get(skel.text[start:].lower())
    if not rows:
        return
    current = next((row for row in rows if not row.get("until")), rows[-1])
    reason = current["en"]
    earlier = [row for row in rows if row is not current]
    if earlier:
        reason += (
            " Earlier: "
            + "; ".join(
                f"{row['resolves_to']} (until {row['until']})" if row.get("until") else row["resolves_to"]
                for row in earlier
            )
            + "."
        )
    r.resolved = {"name": current["resolves_to"], "reason": reason}
    r.source("resolved", "table")
    r.note("resolved", skel.text[start:], current)
    for row in earlier:
        r.note("resolved", skel.text[start:], row)
    # What the real model's name says fills what the tag leaves out (distillation, base).
    from ._parse import reading

    try:
        real, _notes = reading(current["resolves_to"])
    except ValueError:
        return
    if r.distill is None and real.distill is not None:
        r.distill = real.distill.model_dump()
        r.source("distill", "table")
        r.note("distill", current["resolves_to"], vocab.tags.get("distill"))
    if r.base_model is None and real.base_model is not None:
        r.base_model = real.base_model
        r.source("base_model", "table")
    if r.parameters is None and real.parameters is not None:
        r.parameters = real.parameters.model_dump()
        r.source("parameters", "table")


# --------------------------------------------------------------------------
# 1. Path: provider prefixes and the organization
# --------------------------------------------------------------------------


def _read_path(skel: Skeleton, r: Reading, vocab: Vocabulary) -> None:
    names = [p.text[:-1] for p in skel.namespaces]
    prefix: list[str] = []
    if skel.url is not None:
        host = skel.url.text.split("://", 1)[1].rstrip("/")
        prefix.append(host)
        r.note("provider", host, vocab.providers.get(("prefix", host.lower())))
    # ModelScope ids are sometimes written with the namespace twice (Qwen/Qwen/Qwen3-…).
    names = [n for j, n in enumerate(names) if not (j and n.lower() == names[j - 1].lower())]
    leaf = skel.leaf
    dotted_vendor = (
        len(leaf) > 1
        and leaf[1].sep == "."
        and (leaf[0].key in vocab.vendor_by_org or leaf[0].key in ("us", "eu", "apac", "global"))
    )
    i = 0
    in_provider = bool(prefix)
    while i < len(names):
        word = names[i].lower()
        last = i == len(names) - 1
        row = vocab.providers.get(("prefix", word))
        if row is not None and not (last and word in vocab.vendor_by_org):
            prefix.append(names[i])
            r.note("provider", names[i], row)
            in_provider = True
        elif ("path", word) in vocab.providers and (not last or dotted_vendor) or _RESOLUTION.match(word):
            # low/1024-x-1024/gpt-image-1: a pricing tier and an image size, not the model's namespace
            prefix.append(names[i])
            r.note("provider", names[i], vocab.providers.get(("path", word)))
            in_provider = True
        elif in_provider and (
            dotted_vendor  # bedrock/us-east-1/6-month-commitment/anthropic.claude-v1
            or ("path", word) in vocab.providers
            or _REGION.match(word)
            or (i and names[i - 1].lower() == "accounts")
            or (not last)
        ):
            prefix.append(names[i])
            r.note("provider", names[i], vocab.providers.get(("path", word)))
        else:
            break
        i += 1
    rest = names[i:]
    if rest:
        r.organization = rest[-1]
        r.source("organization", "pattern")
        prefix.extend(rest[:-1])
        org = vocab.vendor_by_org.get(r.organization.lower())
        uploader = vocab.uploaders.get(r.organization.lower())
        r.note("organization", r.organization, org or uploader, uploader=uploader is not None)
    if prefix:
        r.add_provider("/".join(prefix), 0)
    up = vocab.uploaders.get((r.organization or "").lower())
    if up is not None and up.get("format") and r.format is None:
        r.format = {"id": up["format"], "extension": None}  # mlx-community: everything is MLX
        r.source("format", "table")


def _read_dotted_prefixes(chunks: list[Chunk], r: Reading, vocab: Vocabulary) -> list[Chunk]:
    """Bedrock-style ids: ``us.anthropic.claude-…``, ``meta.llama3-…``, ``deepseek.r1-v1:0``."""
    while len(chunks) > 1 and chunks[1].sep == "." and _is_word(chunks[0]):
        word = chunks[0].key
        if _REGION.match(word) and r.provider or word in ("us", "eu", "apac", "global", "us-gov"):
            r.add_provider(chunks[0].text, chunks[0].start)
            r.note("provider", chunks[0].text, vocab.providers.get(("path", word)))
        elif word in vocab.vendor_by_org and not r.organization:
            r.organization = chunks[0].text
            r.source("organization", "pattern")
            r.note("organization", chunks[0].text, vocab.vendor_by_org[word])
            r.dotted = True
            nxt = chunks[1]
            names_family = nxt.pieces[0].kind == "WORD" and (
                key(nxt.pieces[0].text) in vocab.family_by_alias or nxt.key in vocab.family_by_alias
            )
            if word in vocab.family_by_alias and not names_family:
                break  # deepseek.r1, deepseek.v3.2: the vendor's word is also the family
        else:
            break
        chunks = [_with_sep(chunks[1], "")] + chunks[2:]
    return chunks


# --------------------------------------------------------------------------
# 2. Tag after ':' and 3. extension
# --------------------------------------------------------------------------


def _read_tag(skel: Skeleton, chunks: list[Chunk], r: Reading, vocab: Vocabulary) -> list[Chunk]:
    tags = list(skel.tags)
    while tags:
        tag = tags[-1]
        text = "".join(c.sep + c.text for c in tag)[1:]
        row = vocab.providers.get(("suffix", text.lower()))
        last = chunks[-1] if chunks else None
        if row is not None:
            r.add_provider(":" + text, tag[0].start)
            r.note("provider", ":" + text, row)
            if text.lower() == "cloud":
                r.kind = "ollama_tag"  # gemma4:cloud is an Ollama tag served from Ollama's cloud
        elif (
            len(tag) == 1
            and tag[0].kinds == ("NUM",)
            and tag[0].text.isdigit()
            and last is not None
            and last.kinds == ("VERSION",)
            and len(chunks) > 1
        ):
            if tag[0].text == "0" or any(c.kinds == ("DATE",) for c in chunks):
                # Bedrock's API version suffix: anthropic.claude-3-5-sonnet-20240620-v1:0
                suffix = f"{last.text}:{text}"
                r.add_provider(suffix, last.start)
                r.note("provider", suffix, vocab.providers.get(("suffix", "v1:0")))
                chunks = chunks[:-1]
                r.bedrock_version = last.text  # titan-embed-text-v2:0 is Titan Embeddings V2
            else:
                # anthropic.claude-v2:1 is Claude 2.1
                merged = Piece("VERSION", f"{last.text}.{text}", last.start)
                chunks = chunks[:-1] + [Chunk((merged,), last.sep)]
        elif len(chunks) == 1 and chunks[0].key == "ft" and not skel.namespaces:
            # OpenAI fine-tune ids: ft:gpt-4o-2024-11-20:org::id
            r.add_provider("ft:", 0)
            r.note("provider", "ft:", vocab.providers.get(("prefix", "ft")))
            chunks = [Chunk(tag[0].pieces, "")] + list(tag[1:])
            tags = tags[:-1]
            return chunks
        else:
            break
        tags.pop()
    if tags:
        r.kind = "ollama_tag"
        for tag in tags:
            chunks.extend(tag)
    return chunks


def _read_extension(skel: Skeleton, chunks: list[Chunk], r: Reading, vocab: Vocabulary) -> list[Chunk]:
    if skel.ext is None:
        return chunks
    ext = skel.ext.text[1:]
    if ext.lower() in ("imatrix", "dat") and (ext.lower() == "imatrix" or "imatrix" in skel.text.lower()):
        # imatrix.dat, model.imatrix: an importance matrix for quantizing, not a model
        r.kind, r.role = "file", "imatrix"
        r.source("role", "table")
        r.note("role", skel.ext.text, vocab.tags.get("imatrix"))
        return chunks if ext.lower() == "imatrix" else [c for c in chunks if c.key != "imatrix"] or chunks
    row = vocab.format_by_ext.get(ext.lower())
    if row is None:
        # Not a model format we know: read it as part of the name (dots.llm1.inst, Qwen2.5.Q4_K_M).
        from ._grammar import lex

        offset = skel.ext.start + 1
        out, current, sep = list(chunks), [], "."
        for piece in lex(ext):
            piece = Piece(piece.kind, piece.text, piece.start + offset)
            if piece.kind == "SEP":
                if current:
                    out.append(Chunk(tuple(current), sep))
                current, sep = [], piece.text
            else:
                current.append(piece)
        if current:
            out.append(Chunk(tuple(current), sep))
        return out
    r.kind = "gguf_file" if row["id"] == "gguf" else "file"
    r.format = {"id": row["id"], "extension": ext.lower()}  # (role: model, unless a word says otherwise)
    r.source("format", "table")
    r.note("format", skel.ext.text, row)
    if row["id"] != "none":
        r.role = "model"
    return chunks


# --------------------------------------------------------------------------
# 4. The words of the name
# --------------------------------------------------------------------------


def _is_word(chunk: Chunk) -> bool:
    return len(chunk.pieces) == 1 and chunk.pieces[0].kind == "WORD"


def _with_sep(chunk: Chunk, sep: str) -> Chunk:
    return Chunk(chunk.pieces, sep)


def _version_text(text: str) -> str:
    """``2_5`` → ``2.5``, ``3p1`` → ``3.1``, ``v0.2`` → ``0.2``, ``v.01`` → ``0.1``."""
    out = text
    if out[:1] in "vV":
        out = out[1:]
        if out.startswith("."):  # v.01: a dropped leading zero, read as 0.1
            out = out[1:]
            if out.startswith("0") and out[1:].isdigit() and len(out) > 1:
                out = "0." + out[1:]
    out = out.replace("_", ".")
    out = re.sub(r"(?<=\d)p(?=\d)", ".", out)
    return out


class _Words:
    """The left-to-right reading of the name's chunks."""

    def __init__(self, chunks: list[Chunk], r: Reading, vocab: Vocabulary) -> None:
        self.chunks = chunks
        self.r = r
        self.v = vocab
        self.i = 0
        self.last_field: str | None = None  # for joining consecutive variant words

    # -- helpers -----------------------------------------------------------

    def run(self) -> None:
        self._pending_tokens = []
        self._prefix_words()
        while self.i < len(self.chunks):
            start = self.i
            handled = self._chunk(self.chunks[self.i])
            if not handled:
                self._unknown(self.chunks[self.i])
            if self.i == start:
                self.i += 1

    def _prefix_words(self) -> None:
        """Names that start with the original namespace: bartowski's ``mistralai_Ministral-3-…``,
        ``huihui-ai_DeepSeek-R1-…``, ``deepseek-ai.DeepSeek-V3.2.Q4_K_M…`` (after a role word
        such as ``mmproj-`` too)."""
        chunks, v = self.chunks, self.v
        start = 0
        while start < len(chunks) and v.tags.get(chunks[start].key, {}).get("field") == "role":
            start += 1  # mmproj-Qwen_Qwen3.5-4B-f16
        for n in (1, 2, 3):
            end = start + n  # the chunk after the namespace
            if end + 1 >= len(chunks) or chunks[end].sep not in ("_", "."):
                continue
            if any(c.sep not in ("-",) for c in chunks[start + 1 : end]):
                break
            if not all(_is_word(c) for c in chunks[start:end]):
                break
            words = chunks[start:end]
            spelled = "-".join(c.text for c in words)
            lower = spelled.lower()
            vendor = v.vendor_by_org.get(lower)
            known = vendor is not None or lower in v.uploaders
            rest = chunks[end + 1 :]
            if chunks[end].sep == "_":
                if any(c.sep == "_" for c in rest) or not any(c.sep == "-" for c in rest):
                    continue
                after = chunks[end]
                after_is_family = after.pieces[0].kind == "WORD" and (
                    key(after.pieces[0].text) in v.family_by_alias or after.key in v.family_by_alias
                )
                if (
                    n == 1
                    and (words[0].key in v.family_by_alias or words[0].key in v.tags)
                    and not after_is_family
                ):
                    continue  # openchat_3.5-16k: the family itself, not a namespace
                if not known:
                    first = after.pieces[0]
                    requantized = (self.r.organization or "").lower() in v.uploaders
                    if not (
                        after_is_family
                        or requantized
                        or n == 1
                        and first.kind == "WORD"
                        and first.text[:1].isupper()
                    ):
                        continue
            elif not known:  # a dotted prefix must be a known namespace
                continue
            self.r.note("organization", spelled, vendor, embedded=True)
            if vendor is not None:
                self.r.vendor_hint = vendor
            self.chunks = (
                chunks[:start] + [Chunk(chunks[end].pieces, "-" if start else "")] + chunks[end + 1 :]
            )
            break
        chunks = self.chunks
        first = chunks[start] if start < len(chunks) else None
        if (
            first is not None
            and _is_word(first)
            and first.key in v.uploaders
            and start + 1 < len(chunks)
            and chunks[start + 1].sep == "-"
            and first.key not in v.family_by_alias
        ):
            # Huihui-gpt-oss-20b-…: huihui-ai's own marker before the model's name
            self.r.note("organization", first.text, v.uploaders[first.key], uploader=True, embedded=True)
            self.chunks = chunks[:start] + [Chunk(chunks[start + 1].pieces, first.sep)] + chunks[start + 2 :]

    def _lower(self, chunk: Chunk) -> str:
        return chunk.text.lower()

    def _phrase(self, index: dict[str, Any], starts: dict[str, int]) -> tuple[dict[str, Any], int] | None:
        """Longest run of chunks starting here whose joined spelling is in ``index``.

        ``starts`` maps the first word of every multi-word spelling to the longest
        phrase it begins, so most chunks need a single lookup.
        """
        chunks = self.chunks
        first = chunks[self.i]
        longest = min(starts.get(first.key, 1), len(chunks) - self.i)
        for n in range(longest, 1, -1):
            parts = chunks[self.i : self.i + n]
            if any(c.sep == ":" for c in parts[1:]):
                continue
            keys = [c.key for c in parts]
            row = index.get("-".join(keys)) or index.get("".join(keys))
            if row is not None:
                return row, n
        row = index.get(first.key)
        return (row, 1) if row is not None else None

    def _text(self, n: int) -> str:
        parts = self.chunks[self.i : self.i + n]
        return "".join((c.sep if j else "") + c.text for j, c in enumerate(parts))

    # -- one chunk ---------------------------------------------------------

    def _chunk(self, chunk: Chunk) -> bool:
        kinds = chunk.kinds
        if len(kinds) == 1:
            shape = getattr(self, "_shape_" + kinds[0], None)
            if shape is not None and shape(chunk.pieces[0], chunk):
                return True
        if kinds[0] == "WORD" or kinds == ("NUM", "WORD") or len(kinds) > 1:
            return self._words(chunk)
        return False

    # Shapes ---------------------------------------------------------------

    def _shape_SHARD(self, piece: Piece, chunk: Chunk) -> bool:
        nums = [int(n) for n in _DIGITS.findall(piece.text)]
        self.r.shard = {"index": nums[0], "total": nums[1]}
        self.r.source("shard", "pattern")
        self.r.note("shard", piece.text, None, index=nums[0], total=nums[1])
        return True

    def _shape_DATE(self, piece: Piece, chunk: Chunk) -> bool:
        text = piece.text
        digits = text.replace("-", "")
        if len(text) == 7:  # 08-2024: month-year
            iso = f"{text[3:]}-{text[:2]}"
        else:
            iso = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
        return self._set_date(iso, piece.text)

    def _set_date(self, value: str, token: str, how: str = "pattern") -> bool:
        if self.r.date is not None:
            return False
        self.r.date = value
        self.r.date_token = token
        self.r.source("date", how)
        self.r.note("date", token, None, date=value)
        self.last_field = "date"
        return True

    def _shape_GGUF_QUANT(self, piece: Piece, chunk: Chunk) -> bool:
        row = self.v.file_types.get(piece.text.lower().replace("-", "_"))
        if row is None:
            m = re.fullmatch(r"(?i)i?q([1-8])", piece.text)
            bits = int(m.group(1)) if m else None
            self._set_quant(
                {"scheme": piece.text.upper(), "method": "gguf", "bits": bits}, piece.text, None, "pattern"
            )
            return True
        self._set_quant(_file_type_quant(row, self.v), piece.text, row, "table")
        return True

    def _shape_DTYPE(self, piece: Piece, chunk: Chunk) -> bool:
        nxt = self.chunks[self.i + 1] if self.i + 1 < len(self.chunks) else None
        if nxt is not None and nxt.sep != ":":
            phrase = f"{chunk.key}-{nxt.key}"
            if phrase in self.v.quant_words:  # FP8-Dynamic, fp8_block
                token = f"{chunk.text}{nxt.sep}{nxt.text}"
                if self._quant_word(phrase, token, 2):
                    self.i += 2
                    return True
        return self._quant_word(piece.text.lower(), piece.text, 1)

    def _shape_MLC_QUANT(self, piece: Piece, chunk: Chunk) -> bool:
        row = self.v.quant_words.get(piece.text.lower())
        bits = int(re.match(r"(?i)q(\d+)", piece.text).group(1))  # type: ignore[union-attr]
        quant = {"scheme": piece.text.lower(), "method": "mlc", "bits": bits or None}
        if row is not None:
            quant.update(_quant_word_fields(row))
        self._set_quant(quant, piece.text, row or self.v.methods.get("mlc"), "table" if row else "pattern")
        return True

    def _shape_BITS(self, piece: Piece, chunk: Chunk) -> bool:
        text = piece.text.lower()
        if text.startswith("b1"):
            return self._quant_word("b1.58", piece.text, 1)
        number = float(re.match(r"\d+(?:[._]\d+)?", text).group().replace("_", "."))  # type: ignore[union-attr]
        if number == 1.58 or number == 1.5:
            return self._quant_word("1.58bit", piece.text, 1)
        q = self.r.quantization
        if q is not None and (q.get("bits") is None or q.get("bits") == number and q.get("method")):
            # bnb-4bit, AWQ-4bit: the bits of the method named before
            q["bits"] = number
            q["scheme"] = f"{q['scheme']}-{piece.text}"
            self.r.note("quantization", piece.text, None, bits=number)
            return True
        if q is not None:
            return False
        self.r.bits_hint = number
        self._set_quant(
            {"scheme": f"{_num(number)}bit", "method": None, "bits": number}, piece.text, None, "pattern"
        )
        return True

    def _shape_BPW(self, piece: Piece, chunk: Chunk) -> bool:
        text = piece.text.lower()
        if text.startswith("h"):
            self.r.note("quantization", piece.text, self.v.tags.get("h6"), head_bits=int(text[1:]))
            return True
        written = text[:-3].replace("_", ".")
        number = float(written)
        q = self.r.quantization
        if q is not None and q.get("method") in ("exl2", "exl3") and q.get("bits") is None:
            q["bits"] = number
            q["scheme"] = f"{q['scheme']} {written}bpw"
            self.r.note("quantization", piece.text, None, bits=number)
            return True
        if q is not None:
            return False
        self._set_quant(
            {"scheme": f"EXL2 {written}bpw", "method": "exl2", "bits": number}, piece.text, None, "pattern"
        )
        return True

    def _shape_SIZE(self, piece: Piece, chunk: Chunk) -> bool:
        size = parse_size(piece.text)
        if size is None:
            return False
        if size.get("context") is not None:
            self.r.context_from_m = piece.text
            return self._set_context(size["context"], piece.text)
        params = self.r.parameters
        if params is not None:
            # A second size: training tokens (TinyLlama-1.1B-…-3T), or a repeated label.
            if size["label"] == params["label"]:
                self.r.note("parameters", piece.text, None, repeated=True)
                return True
            total, first = size.get("total"), params.get("total") or params.get("active")
            if total and first and total >= 50 * first:
                self.r.finetune.append(piece.text)
                self.r.source("finetune", "pattern")
                self.r.note("finetune", piece.text, None, tokens=total)
                return True
            return False
        self.r.parameters = size
        self.r.source("parameters", "pattern")
        self.r.note("parameters", piece.text, None, **{k: v for k, v in size.items() if v is not None})
        self.last_field = "parameters"
        return True

    def _set_context(self, tokens: int, text: str) -> bool:
        if self.r.context_length is not None:
            return False
        self.r.context_length = tokens
        self.r.source("context_length", "pattern")
        self.r.note("context_length", text, None, tokens=tokens)
        return True

    def _shape_CONTEXT(self, piece: Piece, chunk: Chunk) -> bool:
        number = float(piece.text[:-1])
        if not _plausible_context(number):
            # Code-290k, dpo-7k: a count of examples, not a context window
            self.r.finetune.append(piece.text)
            self.r.source("finetune", "pattern")
            self.r.note("finetune", piece.text, None, count=piece.text)
            return True
        return self._set_context(context_tokens(piece.text), piece.text)

    def _shape_VERSION(self, piece: Piece, chunk: Chunk) -> bool:
        text = piece.text
        fam = self.r.family_row
        letter = _letter(fam, text[:1]) if fam is not None else None
        if letter is not None and "." not in text[1:2]:
            return self._set_version(letter + _version_text(text[1:]), text, chunk)
        return self._set_version(_version_text(text), text, chunk)

    def _shape_NUM(self, piece: Piece, chunk: Chunk) -> bool:
        text = piece.text
        r = self.r
        digits = text.isdigit()
        # Dates: 4 digits (YYMM / MMDD) and 6 digits (YYMMDD) after the model's name.
        if digits and len(text) == 6 and r.family is not None and _valid_date(text, "yymmdd"):
            return self._set_date(f"20{text[:2]}-{text[2:4]}-{text[4:]}", text)
        if digits and len(text) == 4 and r.family is not None and self.i > 0 and text not in _NOT_DATES:
            fmt = (r.family_row or {}).get("date_format")
            if fmt == "yymm" and _valid_date(text, "yymm"):
                return self._set_date(f"20{text[:2]}-{text[2:]}", text, "table")
            if fmt == "mmyy" and _valid_date(text[2:] + text[:2], "yymm"):
                return self._set_date(f"20{text[2:]}-{text[:2]}", text, "table")  # OLMo-7B-0424
            if fmt is None and int(text[:2]) >= 13 and _valid_date(text, "yymm"):
                return self._set_date(f"20{text[:2]}-{text[2:]}", text)
            if _valid_date(text, "mmdd"):
                return self._set_date(text, text, "table" if fmt == "mmdd" else "pattern")
        # Context written in tokens: llama3-70b-8192, mixtral-8x7b-32768
        if digits and text in _TOKEN_CONTEXTS and r.context_length is None and (r.parameters or r.version):
            return self._set_context(int(text), text)
        # Two-digit month-day pairs: gemini-2.5-pro-preview-05-06
        nxt = self.chunks[self.i + 1] if self.i + 1 < len(self.chunks) else None
        if (
            digits
            and len(text) == 2
            and nxt is not None
            and nxt.kinds == ("NUM",)
            and len(nxt.text) == 2
            and nxt.sep == "-"
            and r.version is not None
            and _valid_date(text + nxt.text, "mmdd")
            and r.date is None
        ):
            self._set_date(f"{text}-{nxt.text}", f"{text}-{nxt.text}")
            self.i += 2
            return True
        # Zero-padded revision numbers: gemini-1.5-pro-002
        if digits and len(text) == 3 and text.startswith("00") and r.version is not None:
            r.finetune.append(text)
            r.source("finetune", "table")
            r.note("finetune", text, self.v.tags.get("001"))
            return True
        # claude-3-5-sonnet: a second number right after the version joins it.
        if (
            r.version is not None
            and self.i == (r.version_at if r.version_at is not None else -9) + 1
            and chunk.sep == "-"
            and digits
            and len(text) == 1
            and "." not in r.version
            and r.version.lstrip("VRKMXTZvrkmxtz").isdigit()
        ):
            r.version = f"{r.version}.{text}"
            r.notes.append(Note("version", text, None, {"version": r.version}))
            r.version_at = self.i
            return True
        if digits and int(text) >= 256 and int(text) & (int(text) - 1) == 0:
            # 512, 1024: an image size or a length, not a version
            r.finetune.append(text)
            r.source("finetune", "pattern")
            r.note("finetune", text, None, count=text)
            return True
        return self._set_version(_version_text(text), text, chunk)

    def _set_version(self, value: str, token: str, chunk: Chunk) -> bool:
        r = self.r
        if r.version is None and (r.family is not None or self.i == 0 or not r.other_families):
            r.version = value
            r.version_at = self.i
            r.source("version", "pattern")
            r.note("version", token, None, version=value)
            self.last_field = "version"
            return True
        if (
            r.version is not None
            and r.version.isdigit()
            and value.startswith(r.version + ".")
            and r.family_row is not None
            and not r.finetune
        ):
            # internlm2:7b-chat-1m-v2.5: the tag's version refines the name's major version
            r.version = value
            r.note("version", token, None, version=value)
            return True
        if r.version is not None and r.family is not None:
            # A later version belongs to the fine-tune (Lexi-Uncensored-V2).
            r.finetune.append(token)
            r.source("finetune", "pattern")
            r.note("finetune", token, None, version=value)
            return True
        return False

    def _shape_LOCALE(self, piece: Piece, chunk: Chunk) -> bool:
        self.r.finetune.append(piece.text)
        self.r.source("finetune", "pattern")
        self.r.note("finetune", piece.text, None, locale=piece.text)
        return True

    def _shape_SYMBOL(self, piece: Piece, chunk: Chunk) -> bool:
        if piece.text == "+" and self.i > 0:
            self._add_variant("Plus", "+", self.v.tags.get("plus"))
            return True
        return False

    # Words ---------------------------------------------------------------

    def _month_date(self, chunk: Chunk) -> bool:
        """``sep-2024`` (month name, year) and ``2023mar`` (year, month name) are dates."""
        pieces = chunk.pieces
        nxt = self.chunks[self.i + 1] if self.i + 1 < len(self.chunks) else None
        if (
            chunk.kinds == ("WORD",)
            and chunk.key[:3] in _MONTHS
            and chunk.key in _MONTH_WORDS
            and nxt is not None
            and nxt.kinds == ("NUM",)
            and re.fullmatch(r"20\d\d", nxt.text)
            and self.r.date is None
        ):
            self._set_date(f"{nxt.text}-{_MONTHS[chunk.key[:3]]:02d}", f"{chunk.text}{nxt.sep}{nxt.text}")
            self.i += 2
            return True
        if (
            chunk.kinds == ("NUM", "WORD")
            and re.fullmatch(r"20\d\d", pieces[0].text)
            and pieces[1].text.lower() in _MONTH_WORDS
            and self.r.date is None
        ):
            self._set_date(f"{pieces[0].text}-{_MONTHS[pieces[1].text.lower()[:3]]:02d}", chunk.text)
            self.i += 1
            return True
        return False

    def _words(self, chunk: Chunk) -> bool:
        r, v = self.r, self.v
        if self._month_date(chunk):
            return True
        if r.kind == "ollama_tag" and chunk.key == "cloud" and self.i == len(self.chunks) - 1:
            # gpt-oss:20b-cloud runs on Ollama's servers
            r.add_provider("-cloud", chunk.start)
            r.note("provider", chunk.text, v.providers.get(("suffix", "-cloud")))
            return True
        if r.kind == "ollama_tag" and chunk.key == "text" and "base" not in r.functions:
            # Ollama's -text tags are the pretrained (base) models.
            base = v.tags.get("base")
            if base is not None:
                return self._tag(base, 1)
        fam_row = r.family_row
        if (
            fam_row is not None
            and r.version is None
            and r.family_at is not None
            and self.i == r.family_at + 1
            and chunk.kinds in (("WORD",), ("WORD", "SIZE"))
            and len(chunk.pieces[0].text) == 1
        ):
            letter = _letter(fam_row, chunk.pieces[0].text)
            if letter is not None:
                # command-r-plus, command-a-03-2025, command-r7b (R + 7B glued)
                self._set_version(letter, chunk.pieces[0].text, chunk)
                if len(chunk.pieces) == 2:
                    self._shape_SIZE(chunk.pieces[1], chunk)
                return True
        # Families (one or several chunks: gpt-oss, code-llama).
        fam = self._phrase(v.family_by_alias, v.family_starts)
        if fam is not None and fam[0] is r.family_row and (fam[1] > 1 or chunk.key in v.tags):
            fam = None  # palm-2-chat-bison: the family's own alias again; read its words instead
        if fam is not None and not (r.family is None and self._tag_first(fam[1])):
            n = fam[1]
            last = self.chunks[self.i + n - 1]
            if n > 1 and last.kinds == ("NUM",) and r.family is None:
                # tts-1-hd: the alias spells the version; keep it as the version too
                self._family(fam[0], n, None)
                if r.version is None:
                    r.version = _version_text(last.text)
                    r.version_at = self.i - 1
                    r.source("version", "pattern")
                    r.note("version", last.text, None, version=r.version)
                return True
            return self._family(fam[0], fam[1], None)
        # Multi-chunk tag phrases first (Flash-Lite, tool-use), then single words.
        tag = self._phrase(v.tags, v.tag_starts)
        if tag is not None:
            return self._tag(tag[0], tag[1])
        lower = self._lower(chunk)
        if self._quant_word(lower, chunk.text, 1):
            return True
        method = v.method_by_alias.get(chunk.key)
        if method is not None:
            return self._method(method, chunk)
        fmt = v.format_by_alias.get(chunk.key)
        if fmt is not None:
            return self._format_word(fmt, chunk)
        if r.kind == "ollama_tag" and lower == "text" and "base" not in r.functions:
            # Ollama's -text tags are the pretrained (base) models.
            base = v.tags.get("base")
            if base is not None:
                return self._tag(base, 1)
        vendor = v.vendor_by_word.get(chunk.key)
        if vendor is not None and self._next_is_family():
            r.note("vendor", chunk.text, vendor)
            return True
        if vendor is not None and r.family is None and self._only_markers_before() and self._next_is_word():
            # nous-puffin-70b: the maker's name, then the model's own name
            r.note("vendor", chunk.text, vendor)
            r.vendor_hint = vendor
            return True
        if self._compound(chunk):
            return True
        pieces = chunk.pieces
        if len(pieces) > 1:
            return self._glued(chunk)
        return False

    def _compound(self, chunk: Chunk) -> bool:
        """A family glued to a tag word: starcoderbase, dolphincoder, HunyuanOCR, SenseVoiceSmall,
        llamaguard, qwen2.5vl (family, version, tag), t5xxl."""
        v, pieces = self.v, chunk.pieces
        tail_tag = None
        if len(pieces) == 1 and pieces[0].kind == "WORD":
            word = chunk.key
            for cut in range(len(word) - 2, 2, -1):
                fam = v.family_by_alias.get(word[:cut])
                tag = v.tags.get(word[cut:])
                if (
                    fam is not None
                    and tag is not None
                    and tag["field"] in ("functions", "variant", "training")
                ):
                    self._family(fam, 1, None)
                    self.r.notes[-1].token = chunk.text[:cut] if self.r.notes else chunk.text
                    self._tag(tag, 0, token=chunk.text[cut:])
                    return True
            return False
        if len(pieces) >= 2 and pieces[-1].kind == "NUM" and self.r.family is None:
            head = "".join(p.text for p in pieces[:-1]).lower()
            fam = v.family_by_alias.get(head)
            if fam is not None and pieces[0].kind == "NUM":  # 360gpt2: 360GPT, version 2
                return self._family(fam, 1, pieces[-1:])
        if (
            len(pieces) == 3
            and pieces[0].kind == "WORD"
            and pieces[1].kind == "NUM"
            and pieces[2].kind == "WORD"
        ):
            tail_tag = v.tags.get(pieces[2].text.lower())
            if tail_tag is None or tail_tag["field"] not in ("functions", "variant", "training"):
                return False
            whole = v.family_by_alias.get((pieces[0].text + pieces[1].text).lower())
            if whole is not None:  # t5xxl: T5, xxl
                self._family(whole, 1, None)
            else:
                fam = v.family_by_alias.get(pieces[0].text.lower())
                if fam is None or self.r.family is not None:
                    return False
                self._family(fam, 1, pieces[1:2])  # qwen2.5vl: Qwen 2.5, vision
            self._tag(tail_tag, 0, token=pieces[2].text)
            return True
        return False

    def _tag_first(self, n: int) -> bool:
        """A tag phrase that is longer than the family match wins (``mistral`` vs nothing)."""
        tag = self._phrase(self.v.tags, self.v.tag_starts)
        return tag is not None and tag[1] > n

    def _unknown_word_follows(self) -> bool:
        """An unknown word comes later (before any other family): the model's own name."""
        v = self.v
        for c in self.chunks[self.i + 1 :]:
            if c.sep == ":":
                return False
            if c.pieces[0].kind != "WORD":
                continue
            w = key(c.pieces[0].text)
            if w in v.family_by_alias or c.key in v.family_by_alias:
                return False
            if (
                c.key not in v.tags
                and w not in v.tags
                and c.key not in v.quant_words
                and c.key not in v.method_by_alias
                and c.key not in v.format_by_alias
                and c.key not in v.vendor_by_word
            ):
                return True
        return False

    def _next_is_word(self) -> bool:
        return self.i + 1 < len(self.chunks) and self.chunks[self.i + 1].pieces[0].kind == "WORD"

    def _next_is_family(self) -> bool:
        if self.i + 1 >= len(self.chunks):
            return False
        nxt = self.chunks[self.i + 1]
        first = nxt.pieces[0]
        if first.kind != "WORD":
            return False
        word = key(first.text)
        return word in self.v.family_by_alias or nxt.key in self.v.family_by_alias

    def _glued(self, chunk: Chunk) -> bool:
        """Chunks like ``Qwen2.5``, ``R1``, ``4o``, ``L3``, ``gemma3n``, ``exl2``."""
        r, v = self.r, self.v
        pieces = chunk.pieces
        first = pieces[0]
        rest = pieces[1:]
        fam_row = r.family_row
        # Version letters of the current family: R1, V3, K2, M1 (and 4o, 3n after a number).
        if first.kind == "WORD" and rest and rest[0].kind == "NUM" and fam_row is not None:
            letter = _letter(fam_row, first.text)
            if letter is not None and len(rest) <= 2 and r.version is None:
                tail = "".join(p.text for p in rest)
                return self._set_version(letter + _version_text(tail), chunk.text, chunk)
        if (
            first.kind == "NUM"
            and first.text.isdigit()
            and len(pieces) == 2
            and pieces[1].text in ("e", "E")
            and r.parameters is not None
            and r.parameters.get("experts") is None
            and r.parameters["label"][-1] == "B"
        ):
            # llama4:17b-scout-16e-instruct: 17B active, 16 experts
            params = r.parameters
            experts = int(first.text)
            params.update(
                label=f"{params['label']}-{experts}E", active=params.get("total"), total=None, experts=experts
            )
            r.note(
                "parameters",
                chunk.text,
                None,
                label=params["label"],
                active=params["active"],
                experts=experts,
            )
            return True
        if (
            first.kind == "WORD"
            and first.text in ("v", "V")
            and len(pieces) == 3
            and pieces[1].kind == "NUM"
            and pieces[2].kind == "WORD"
            and v.tags.get(pieces[2].text.lower(), {}).get("field") == "variant"
        ):
            # una-xaberius-34b-v1beta: version 1, Beta
            self._set_version(_version_text(pieces[1].text), first.text + pieces[1].text, chunk)
            self._tag(v.tags[pieces[2].text.lower()], 0, token=pieces[2].text)
            return True
        if first.kind == "NUM" and len(pieces) == 2 and pieces[1].kind == "WORD":
            letter = pieces[1].text
            if fam_row is not None and letter.lower() in [
                x.lower() for x in fam_row.get("version_letters", ())
            ]:
                if r.version is None:
                    return self._set_version(_version_text(first.text) + letter.lower(), chunk.text, chunk)
            tag = v.tags.get(key(letter))
            if tag is not None and r.family is not None and tag["field"] in ("training", "functions"):
                # 2dpo, GLM-4.5V: a number glued to a known word
                if (
                    tag["field"] == "functions"
                    and r.version is None
                    and r.family_at is not None
                    and self.i == r.family_at + 1
                ):
                    r.version = _version_text(first.text)
                    r.version_at = self.i
                    r.source("version", "pattern")
                    r.note("version", first.text, None, version=r.version)
                self._tag(tag, 1, token=chunk.text)
                return True
            return False
        if first.kind != "WORD":
            return False
        word = key(first.text)
        fam = v.family_by_alias.get(word)
        by_prefix = False
        if fam is None and rest and rest[0].kind == "NUM":
            fam = v.family_by_prefix.get(word)
            by_prefix = fam is not None
        if fam is not None and by_prefix and fam.get("versions"):
            version = _family_version(fam, rest)
            if version is None or _version_note(fam, version) is None:
                fam = None  # all-MiniLM-L6-v2: there is no Llama 6, so L6 is not an abbreviation
        if fam is not None and by_prefix and r.family is None and self._unknown_word_follows():
            # L3.3-70B-Euryale-v2.3: a community model named after its Llama 3.3 base
            version = _family_version(fam, rest)
            r.other_families.append((self.i, fam, version, chunk.text))
            r.note("base_model", chunk.text, fam, version=version)
            self.i += 1
            return True
        if fam is not None and by_prefix and rest and _letter(fam, first.text) is not None:
            # o3, o4-mini: the prefix is part of the version
            rest = (Piece("WORD", _letter(fam, first.text) or "", first.start), *rest)
            return self._family_lettered(fam, chunk, rest)
        if fam is not None:
            return self._family(fam, 1, rest)
        if (
            first.kind == "WORD"
            and len(first.text) == 1
            and len(rest) == 1
            and rest[0].kind == "NUM"
            and r.family is not None
            and fam_row is None
            and r.version is None
            and r.family_at is not None
            and self.i == r.family_at + 1
            and v.tags.get(first.text.lower()) is None
        ):
            # DianJin-R1: a letter-and-number right after a community model's name is its version
            return self._set_version(first.text.upper() + _version_text(rest[0].text), chunk.text, chunk)
        tag = v.tags.get(word)
        if tag is not None and rest and all(p.kind in ("NUM", "VERSION") for p in rest):
            # VL2, V2 (vision, version), Coder2 …
            self._tag(tag, 1, token=first.text)
            if r.version is None and r.family is not None:
                r.version = _version_text("".join(p.text for p in rest))
                r.version_at = self.i
                r.source("version", "pattern")
                r.note("version", "".join(p.text for p in rest), None, version=r.version)
            return True
        return False

    def _family_lettered(self, row: dict[str, Any], chunk: Chunk, rest: tuple[Piece, ...]) -> bool:
        """A family named by its version letter alone (o3 = OpenAI o-series, version o3)."""
        version = rest[0].text + _version_text("".join(p.text for p in rest[1:]))
        if self.r.family is not None:
            return False
        self._family(row, 1, None)
        self.r.version = version
        self.r.version_at = self.i - 1
        self.r.source("version", "pattern")
        self.r.note("version", chunk.text, None, version=version)
        return True

    def _family(self, row: dict[str, Any], n: int, rest: tuple[Piece, ...] | None) -> bool:
        r = self.r
        token = self._text(n)
        version = None
        if rest:
            version = _family_version(row, rest)
            if version is None:
                return False
        if r.family is None:
            r.family = row["name"]
            r.family_row = row
            r.family_at = self.i
            r.source("family", "table")
            r.note("family", token, row)
            chunk = self.chunks[self.i]
            self.i += n
            self.last_field = "family"
            if rest is None and n == 1 and chunk.kinds == ("NUM", "WORD"):
                # 4.0Ultra (iFlytek Spark): an id made of a version and a tier
                tier = self.v.tags.get(chunk.pieces[1].text.lower())
                if tier is not None and tier["field"] == "variant":
                    version = _version_text(chunk.pieces[0].text)
                    r.variant.append(tier["word"])
                    r.source("variant", "table")
            if version is not None:
                r.version = version
                r.version_at = self.i - 1
                r.source("version", "pattern")
                r.note("version", "".join(p.text for p in rest or ()), None, version=version)
            return True
        # A second family: a base model, a distillation teacher or student.
        version_at = self.i
        self.i += n
        if version is None and self.i < len(self.chunks):
            nxt = self.chunks[self.i]
            letter = _letter(row, nxt.text[:1]) if nxt.kinds == ("VERSION",) else None
            if nxt.kinds == ("NUM",) and nxt.sep not in (":", "_") and len(nxt.text) < 4:
                version = _version_text(nxt.text)
                self.i += 1
            elif letter is not None and nxt.sep != ":":
                version = letter + _version_text(nxt.text[1:])
                self.i += 1
            elif len(nxt.pieces) == 2 and nxt.kinds[0] == "WORD" and nxt.kinds[1] == "NUM":
                letter = _letter(row, nxt.pieces[0].text)
                if letter is not None:
                    version = letter + _version_text(nxt.pieces[1].text)
                    self.i += 1
        r.other_families.append((version_at, row, version, token))
        r.note("base_model", token, row, version=version)
        self.last_field = "other_family"
        return True

    def _tag(self, row: dict[str, Any], n: int, token: str | None = None) -> bool:
        r = self.r
        token = token or self._text(n)
        where = row["field"]
        fam = r.family_row
        if (
            row.get("id") == "base"
            and fam is not None
            and (fam.get("category") in ("embedding", "reranker") or "base" in (fam.get("size_words") or ()))
        ):
            # bge-base, whisper-base: a size tier, not a base (pretrained-only) model
            self._add_variant("base", token, row, n)
            self.i += n
            return True
        if where == "functions":
            if row["id"] not in r.functions:
                r.functions.append(row["id"])
            r.source("functions", "table")
            r.note("functions", token, row)
        elif where == "variant":
            self._add_variant(row["word"], token, row, n)
            self.i += n
            return True
        elif where == "training":
            if row["word"] not in r.training:
                r.training.append(row["word"])
            r.source("training", "table")
            r.note("training", token, row)
        elif where == "finetune":
            r.finetune.append(row["word"])  # the table's spelling: lorablated → abliterated
            r.source("finetune", "table")
            r.note("finetune", token, row)
        elif where == "role":
            r.role = row["id"]
            r.source("role", "table")
            r.note("role", token, row)
        elif where == "marker":
            self._marker(row, token)
        elif where == "filler":
            r.note("filler", token, row)
        if row.get("category") and r.category is None:
            r.category = row["category"]
            r.source("category", "table")
        self.last_field = where
        self.i += n
        return True

    def _add_variant(self, word: str, token: str, row: dict[str, Any] | None, n: int = 1) -> None:
        r = self.r
        r.variant.append(word)
        r.source("variant", "table" if row else "pattern")
        r.note("variant", token, row)
        self.last_field = "variant"

    def _marker(self, row: dict[str, Any], token: str) -> None:
        r = self.r
        what = row.get("id")
        last = self.i == len(self.chunks) - 1
        if (
            what == "imatrix"
            and token.lower() == "imatrix"
            and last
            and r.kind in ("file", "gguf_file")
            and r.quantization is None
        ):
            # imatrix.dat, Qwen2.5-7B.imatrix.gguf: the importance-matrix file itself, not a model
            r.role = "imatrix"
            r.source("role", "table")
            r.note("role", token, row)
            return
        if what == "imatrix":
            r.note("quantization", token, row)
            if r.quantization is not None:
                r.quantization["imatrix"] = True
            else:
                self._pending_imatrix = True
                self._pending_tokens.append((row, token))
        elif what == "dynamic":
            r.note("quantization", token, row)
            if r.quantization is not None:
                r.quantization["dynamic"] = True
            else:
                self._pending_dynamic = True
                self._pending_tokens.append((row, token))
        elif what == "distill":
            r.distill_at = self.i
            r.note("distill", token, row)
        elif what == "moe":
            r.note("parameters", token, row)
        else:
            r.note("filler", token, row)

    _pending_imatrix = False
    _pending_dynamic = False
    _pending_tokens: list[tuple[dict[str, Any], str]]
    method_hint: str | None = None

    def _set_quant(self, quant: dict[str, Any], token: str, row: dict[str, Any] | None, how: str) -> None:
        r = self.r
        quant.setdefault("imatrix", False)
        quant.setdefault("dynamic", False)
        if self._pending_imatrix:
            quant["imatrix"] = True
        if self._pending_dynamic:
            quant["dynamic"] = True
        if quant.get("method") is None and self.method_hint is not None:
            quant["method"] = self.method_hint
        if r.quantization is not None:
            old = r.quantization
            # A GGUF scheme outranks a vaguer label (salamandra-7b-instruct.Q4_K_M-f32), and a
            # real quant outranks the unquantized dtype of its source (goliath-…-fp16.Q2_K).
            # Between two llama.cpp quants the last one is what the file is.
            old_gguf, new_gguf = (
                old.get("method") in ("gguf", "ggml"),
                quant.get("method") in ("gguf", "ggml"),
            )
            old_known = old["scheme"].lower() in self.v.file_types
            new_known = quant["scheme"].lower() in self.v.file_types
            if old_gguf and not new_gguf:
                r.note("quantization", token, row, secondary=True)
                return
            if old_gguf and new_gguf and old_known:
                old_float = (old.get("bits") or 0) >= 16
                new_float = (quant.get("bits") or 0) >= 16
                if new_float or not new_known and not old_float:
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
        self.last_field = "quantization"

    def _quant_word(self, lower: str, token: str, n: int) -> bool:
        row = self.v.quant_words.get(key(lower))
        if row is None:
            return False
        quant = {"scheme": row["scheme"], "method": row.get("method")}
        quant.update(_quant_word_fields(row))
        q = self.r.quantization
        if q is not None and q.get("method") in (
            "gptq",
            "awq",
            "hqq",
            "mlx",
            "bnb",
            "exl2",
            "exl3",
            "quip",
            "aqlm",
        ):
            # GPTQ-Int8, AWQ-Int4, MLX-4bit: the word gives the bits of the method named before.
            if row.get("bits") is not None and q.get("bits") in (None, row["bits"]):
                q["bits"] = row["bits"]
                q["scheme"] = f"{q['scheme']}-{token}"
            self.r.note("quantization", token, row)
            return True
        container = self._container(row.get("method"))
        if container is not None:
            ft = self.v.file_types.get(lower)
            if ft is not None:
                quant = _file_type_quant(ft, self.v)
                quant["method"] = container
                self._set_quant(quant, token, ft, "table")
                return True
            quant["method"] = container  # MXFP4, NVFP4 inside a GGUF file are llama.cpp types
        self._set_quant(quant, token, row, "table")
        return True

    def _container(self, method: str | None = None) -> str | None:
        """``gguf``/``ggml`` when the name is a llama.cpp file (or a llamafile), else None.
        In an Ollama tag only plain dtypes are GGUF: its nvfp4/mxfp8 tags run on the MLX engine."""
        fmt = (self.r.format or {}).get("id")
        if fmt in ("gguf", "ggml"):
            return str(fmt)
        if fmt == "llamafile" or self.r.kind == "gguf_file":
            return "gguf"
        if self.r.kind == "ollama_tag" and method is None:
            return "gguf"
        return None

    def _method(self, row: dict[str, Any], chunk: Chunk) -> bool:
        r = self.r
        q = r.quantization
        if (
            q is not None
            and q.get("method") in (None, "int4", "int8")
            and (q.get("bits") or 0) < 16
            and row["id"] not in ("gguf", "ggml")
        ):
            # int4-awq, 4bit-gptq: the method named after the bits
            q["method"] = row["id"]
            if q.get("bits_per_weight") is None and row.get("bits_per_weight") is not None:
                q["bits_per_weight"] = row["bits_per_weight"]
            q["scheme"] = f"{row['name']}-{q['scheme']}" if q.get("scheme") else row["name"]
            r.note("quantization", chunk.text, row)
            return True
        if q is not None and q.get("method") in ("gguf", "ggml"):
            r.note("quantization", chunk.text, row, secondary=True)
            return True
        if q is not None and q.get("method") in ("exl2", "exl3") and row["id"] in ("exl2", "exl3"):
            # 6.0bpw-h6-exl2: the bpw came first; the word names the method
            if row["id"] == "exl3":
                q["method"] = "exl3"
                q["scheme"] = q["scheme"].replace("EXL2", "EXL3")
            r.note("quantization", chunk.text, row)
            if r.format is None:
                r.format = {"id": "exl2", "extension": None}
                r.source("format", "table")
            return True
        quant = {"scheme": row["name"], "method": row["id"], "bits": row.get("bits")}
        if row.get("bits_per_weight") is not None:
            quant["bits_per_weight"] = row["bits_per_weight"]
        if q is not None and q.get("bits") is not None and q["bits"] < 16:
            quant["bits"] = q["bits"]
        self._set_quant(quant, chunk.text, row, "table")
        if row["id"] in ("exl2", "mlc", "mlx") and r.format is None:
            fmt = self.v.formats.get(row["id"])
            if fmt is not None:
                r.format = {"id": fmt["id"], "extension": None}
                r.source("format", "table")
        return True

    def _format_word(self, row: dict[str, Any], chunk: Chunk) -> bool:
        r = self.r
        word = chunk.key
        if r.format is None:
            r.format = {"id": row["id"], "extension": None}
            r.source("format", "table")
        elif row["id"] == "ggml" and r.format == {"id": "pytorch", "extension": "bin"}:
            # .bin is ambiguous: a ggml word says it is a legacy GGML file, not a pickle.
            r.format = {"id": "ggml", "extension": "bin"}
        r.note("format", chunk.text, row)
        if row["id"] in ("mlx", "mlc"):
            self.method_hint = row["id"]
            if r.quantization is not None and r.quantization.get("method") is None:
                r.quantization["method"] = row["id"]
        if row["id"] == "ggml" and r.quantization is not None and r.quantization.get("method") == "gguf":
            r.quantization["method"] = "ggml"
        nxt = self.chunks[self.i + 1] if self.i + 1 < len(self.chunks) else None
        if chunk.sep == "." and row.get("extensions") and (nxt is None or nxt.kinds == ("SHARD",)):
            # model.gguf.part1of2: the extension before a split-file suffix
            if r.format is not None and r.format.get("extension") is None:
                r.format = {"id": row["id"], "extension": word}
                r.kind = "gguf_file" if row["id"] == "gguf" else "file"
                r.role = r.role or "model"
        return True

    def _unknown(self, chunk: Chunk) -> None:
        r = self.r
        text = chunk.text
        first_word = self.i == 0 or (r.family is None and not r.finetune and self._only_markers_before())
        if r.family is None and first_word and chunk.pieces[0].kind == "WORD":
            rest = chunk.pieces[1:]
            if rest and not all(p.kind in ("NUM", "VERSION") for p in rest):
                rest = ()  # h2ogpt, v1olet: the whole chunk is the name
                name = _display(chunk.text)
            else:
                name = _display(chunk.pieces[0].text)
            r.family = name
            r.family_at = self.i
            r.source("family", "pattern")
            r.note("family", name if not rest else chunk.pieces[0].text, None, guess=True)
            if rest and r.version is None:
                tail = "".join(p.text for p in rest)
                if all(p.kind in ("NUM", "VERSION") for p in rest):
                    r.version = _version_text(tail)
                    r.version_at = self.i
                    r.source("version", "pattern")
                    r.note("version", tail, None, version=r.version)
                else:
                    r.finetune.append(tail)
                    r.source("finetune", "pattern")
                    r.note("finetune", tail, None, guess=True)
            self.last_field = "family"
            return
        if chunk.pieces[0].kind in ("WORD",) or (
            r.family is not None and any(p.kind == "WORD" for p in chunk.pieces)
        ):
            r.finetune.append(text)
            r.source("finetune", "pattern")
            r.note("finetune", text, None, guess=True)
            self.last_field = "finetune"
            return
        r.unrecognized.append(text)

    def _only_markers_before(self) -> bool:
        """True when no word has been read before this chunk: only roles, markers, vendor
        words or shapes such as a size (``mmproj-…``, ``13b-ouroboros``)."""
        fields = {n.field for n in self.r.notes}
        return not fields & {"family", "functions", "finetune"}


# --------------------------------------------------------------------------
# 5. Conclusions drawn from the whole name
# --------------------------------------------------------------------------


def _conclude(skel: Skeleton, r: Reading, vocab: Vocabulary) -> None:
    _resolve_families(r, vocab)
    if r.family_row is not None and r.version is not None:
        note = _version_note(r.family_row, r.version)
        if note is not None and note.get("canonical"):
            r.version = note["canonical"]  # azure/gpt-35-turbo: GPT 3.5
    if r.dotted and r.finetune and re.fullmatch(r"v\d+", r.finetune[-1]) and r.version is not None:
        suffix = r.finetune.pop()
        r.add_provider(suffix, 10**6)  # the end of the name
        if not r.finetune:
            r.sources.pop("finetune", None)
    if r.bedrock_version and r.version is None and r.date is None and r.family is not None:
        r.version = _version_text(r.bedrock_version)
        r.source("version", "pattern")
        r.note("version", r.bedrock_version, None, version=r.version)
    fam = r.family_row
    org = (r.organization or "").lower()
    if (
        fam is not None
        and org in vocab.vendor_by_org
        and ("prefix", org) in vocab.providers
        and vocab.vendor_by_org[org]["name"] != fam["vendor"]
        and not r.dotted
    ):
        # databricks/databricks-claude-…: a platform serving another maker's model
        r.add_provider(r.organization or "", 0)
        r.organization = None
        r.sources.pop("organization", None)
    # Vendor: from the family table; else from a vendor's own namespace.
    if fam is not None:
        vendor = vocab.vendors.get(fam["vendor"])
        r.vendor = fam["vendor"]
        r.source("vendor", "table")
        r.note("vendor", fam["name"], vendor, via="family")
    elif r.vendor_hint is not None:
        r.vendor = r.vendor_hint["name"]
        r.source("vendor", "table")
    elif r.organization and r.organization.lower() in vocab.vendor_by_org:
        vendor = vocab.vendor_by_org[r.organization.lower()]
        r.vendor = vendor["name"]
        r.source("vendor", "table")
        r.note("vendor", r.organization, vendor, via="organization")
    # Known totals of sizes that do not state them (Mixtral 8x7B = 46.7B).
    params = r.parameters
    if params is not None and params.get("total") is None:
        # dolphin-2.5-mixtral-8x7b: the base family's table knows what 8x7B adds up to.
        for row in [fam, *r.base_rows, *(item[1] for item in r.other_families)]:
            known = (row or {}).get("known_sizes") or {}
            total = known.get(params["label"]) or known.get(params["label"].lower())
            if total:
                params["total"] = int(round(total))
                r.sources["parameters"] = "table"
                r.note("parameters", params["label"], row, known_total=params["total"])
                break
    # Functions implied by the family (QwQ → reasoning) or by its version (DeepSeek R1).
    if fam is not None:
        note = _version_note(fam, r.version)
        implied = [*fam.get("functions", ()), *((note or {}).get("functions") or ())]
        for fn in implied:
            if fn not in r.functions:
                r.functions.append(fn)
                r.source("functions", "table")
        if note is not None and note.get("en"):
            # The table's note on this version replaces the plain "Version R1 of the model."
            token = next(
                (n.token for n in r.notes if n.field == "version" and n.row is None), r.version or ""
            )
            r.notes = [n for n in r.notes if not (n.field == "version" and n.row is None)]
            r.note("version", token, {"en": note["en"], "zh": note["zh"]})
    if r.parameters is None and r.context_length is not None and r.context_from_m is not None:
        # Tiny-2M: a small M figure is a context length only beside a parameter size (…-7B-1M)
        size = parse_size(r.context_from_m.replace("m", "M").upper().replace("M", "M"), m_is_size=True)
        if size is not None:
            r.parameters = size
            r.context_length = None
            r.sources.pop("context_length", None)
            r.source("parameters", "pattern")
            for note in r.notes:
                if note.field == "context_length" and note.token == r.context_from_m:
                    note.field, note.info = "parameters", {k: v for k, v in size.items() if v is not None}
    _category(r, vocab)
    if r.category == "speech" and r.context_length is not None:
        # speech_…_16k: the audio sample rate, not a context window
        for note in r.notes:
            if note.field == "context_length":
                note.field, note.info = "finetune", {"sample_rate": note.token}
                r.finetune.append(note.token)
                r.source("finetune", "pattern")
        r.context_length = None
        r.sources.pop("context_length", None)
    if r.quantization is not None:
        _complete_quant(r, vocab)
    _kind(skel, r, vocab)


def _resolve_families(r: Reading, vocab: Vocabulary) -> None:
    """Decide what a second family in the name is: base model, teacher or student."""
    if not r.other_families:
        if r.distill_at is not None and r.family is not None:
            # Qwen3-8B-…-Distilled: a student whose teacher the name does not give
            r.distill = {"teacher": None, "base": _family_text(r.family, r.version)}
            r.source("distill", "pattern")
        return
    main = r.family_row
    if r.distill_at is not None:
        r.distill = _distill_roles(r)
        r.source("distill", "table")
        used = {id(item[1]) for item in r.distill_rows}
        rest = [item for item in r.other_families if id(item[1]) not in used]
    else:
        rest = list(r.other_families)
        note = _version_note(main, r.version) if main is not None else None
        student = next((item for item in rest if item[1].get("weights") != "closed"), None)
        if note and note.get("teacher") and student is not None:
            # DeepSeek-R1-0528-Qwen3-8B: an R1 student named after its base, without "Distill"
            teacher = _model_text(r.family, r.version) or ""
            if r.date and r.date_token:
                teacher += f"-{r.date_token}"
            r.distill = {"teacher": teacher, "base": _family_text(student[1]["name"], student[2])}
            r.source("distill", "table")
            rest = [item for item in rest if item is not student]
        if main is not None and not main.get("derivative"):
            # Llama-3.1-Nemotron-70B: a derivative family named after its base.
            for j, (_pos, row, version, _token) in enumerate(rest):
                if row.get("derivative"):
                    base = _family_text(r.family, r.version)
                    if version is None:
                        # Llama-3_3-Nemotron-Super-49B-v1: the derivative's own version came later
                        for note in r.notes:
                            if note.field == "finetune" and note.info and note.info.get("version"):
                                version = note.info["version"]
                                note.field = "version"
                                if note.token in r.finetune:
                                    r.finetune.remove(note.token)
                                break
                    r.base_rows.append(main)
                    r.family, r.family_row, r.version = row["name"], row, version
                    r.sources["family"] = "table"
                    r.base_model = base
                    r.source("base_model", "table")
                    r.sources.pop("version", None)
                    if version is not None:
                        r.source("version", "pattern")
                    rest = rest[:j] + rest[j + 1 :]
                    break
    # A base family (Llama, Mistral) is the base model before a fine-tune line (Dolphin).
    rest = sorted(rest, key=lambda item: bool(item[1].get("derivative")))
    for _pos, row, version, token in rest:
        if row.get("weights") == "closed" and r.distill is None:
            # A closed model cannot be a base: a name word (…-Claude-…), kept as a fine-tune word
            r.finetune.append(token)
            r.source("finetune", "table")
            continue
        if r.base_model is None and row["name"] != r.family:
            r.base_model = _family_text(row["name"], version)
            r.source("base_model", "table")
        elif row["name"] != r.family:
            r.finetune.append(token)
            r.source("finetune", "table")


def _distill_roles(r: Reading) -> dict[str, Any]:
    """Teacher and student of a distillation, from where the families stand around "Distill".

    DeepSeek-R1-Distill-Qwen-7B       the family before is the teacher, the one after the base
    OREAL-DeepSeek-R1-Distill-Qwen    (the same, with a community name first)
    Qwen3.5-…-Claude-4.6-Opus-…-Distilled   a closed teacher before it: the name's family is the base
    deepseek-r1:32b-qwen-distill      an open family just before it: distilled into that family
    """
    at = r.distill_at or 0
    before = [item for item in r.other_families if item[0] < at]
    after = [item for item in r.other_families if item[0] > at]
    main_text = _model_text(r.family, r.version)
    if before and before[-1][1].get("weights") == "closed":
        row, version = before[-1][1], before[-1][2]
        r.distill_rows = [before[-1]]
        return {"teacher": _teacher_text(row, version, r), "base": _family_text(r.family, r.version)}
    if after:
        teacher = main_text
        if before:
            teacher = _model_text(before[-1][1]["name"], before[-1][2])
        r.distill_rows = [after[0], *before[-1:]]
        return {"teacher": teacher, "base": _family_text(after[0][1]["name"], after[0][2])}
    if before:
        r.distill_rows = [before[-1]]
        return {"teacher": main_text, "base": _family_text(before[-1][1]["name"], before[-1][2])}
    return {"teacher": None, "base": _family_text(r.family, r.version)}


def _model_text(family: str | None, version: str | None) -> str | None:
    if family is None:
        return None
    return f"{family}-{version}" if version else family


def _family_text(family: str | None, version: str | None) -> str | None:
    if family is None:
        return None
    return f"{family} {version}" if version else family


def _teacher_text(row: dict[str, Any], version: str | None, r: Reading) -> str:
    parts = [row["name"]]
    if version:
        parts.append(version)
    # Tier words right after the teacher (Claude-4.6-Opus).
    for v in r.variant:
        if v.lower() in ("opus", "sonnet", "haiku", "pro", "flash", "ultra", "max", "mini"):
            parts.append(v)
            r.variant.remove(v)
            if not r.variant:
                r.sources.pop("variant", None)
            break
    return "-".join(parts)


def _category(r: Reading, vocab: Vocabulary) -> None:
    """The kind of model: a non-chat word in the name (reranker, tts) first, then the family,
    then chat-like functions.  A projector or imatrix file is not a model of any kind."""
    if r.role in ("mmproj", "imatrix"):
        r.category = None
        r.sources.pop("category", None)
        return
    fam = r.family_row
    fns = set(r.functions)
    word = r.category if r.category not in (None, "chat") else None
    family_category = None
    if fam is not None and fam.get("category") not in (None, "none"):
        family_category = fam["category"]
    if word is not None:
        category, how = word, "table"
    elif "embedding" in fns:
        category, how = "embedding", "table"
    elif "reranker" in fns:
        category, how = "reranker", "table"
    elif family_category is not None:
        category, how = family_category, "table"
    elif fns & {"instruct", "chat", "coder", "math", "reasoning", "tool-use", "fim"}:
        category, how = "chat", "table"
    elif r.category == "chat":
        category, how = "chat", "table"
    elif (
        r.family is not None and (r.parameters is not None or r.quantization is not None) and r.role != "lora"
    ):
        if r.format is not None and r.format["id"] not in ("gguf", "ggml", "llamafile", "mlx", "exl2", "mlc"):
            r.category = None
            return
        category, how = "chat", "pattern"
    else:
        r.category = None
        r.sources.pop("category", None)
        return
    r.category = category
    r.sources.pop("category", None)
    r.source("category", how)
    # An embedding or reranker family says so in functions too (bge-m3 → embedding).
    if category in ("embedding", "reranker") and not fns & {"embedding", "reranker"}:
        r.functions.append(category)
        r.source("functions", "table")


def _complete_quant(r: Reading, vocab: Vocabulary) -> None:
    q = r.quantization
    assert q is not None
    if r.format == {"id": "pytorch", "extension": "bin"} and q.get("method") in ("gguf", "ggml"):
        # A llama.cpp quant code in a .bin name: a legacy GGML file, not a PyTorch pickle.
        r.format = {"id": "ggml", "extension": "bin"}
    fmt = (r.format or {}).get("id")
    if q.get("method") == "gguf" and fmt == "ggml":
        q["method"] = "ggml"
    if q.get("method") is None and fmt in ("gguf", "ggml") and q["scheme"].lower() in vocab.file_types:
        ft = vocab.file_types[q["scheme"].lower()]
        q.update(_file_type_quant(ft, vocab))
        q["method"] = fmt
    if q.get("method") is None and fmt == "mlx":
        q["method"] = "mlx"
    if q.get("method") == "mlx":
        bits = q.get("bits")
        if bits is not None and q.get("bits_per_weight") is None and bits < 16:
            q["bits_per_weight"] = bits + 0.5  # one 16-bit scale and bias per 64 weights
    if r.kind == "ollama_tag" and q.get("method") is None and q["scheme"].lower() in vocab.file_types:
        ft = vocab.file_types[q["scheme"].lower()]
        q.update(_file_type_quant(ft, vocab))


def _kind(skel: Skeleton, r: Reading, vocab: Vocabulary) -> None:
    if r.kind in ("gguf_file", "file"):
        return
    if r.kind == "ollama_tag":
        return
    if skel.namespaces or skel.url:
        closed = r.family_row is not None and r.family_row.get("weights") == "closed"
        downloadable = r.parameters is not None or r.quantization is not None or r.format is not None
        own = vocab.vendor_by_org.get((r.organization or "").lower())
        vendor_namespace = closed and own is not None and own["name"] == r.family_row.get("vendor")
        if r.provider or (closed and not downloadable) or vendor_namespace:
            r.kind = "api_name"
        else:
            r.kind = "hf_repo"
        return
    if r.format is not None and r.format.get("extension"):
        r.kind = "file"
        return
    r.kind = "api_name"


# --------------------------------------------------------------------------
# Shapes to values
# --------------------------------------------------------------------------

_SCALE = {"k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _count(number: str, unit: str) -> int:
    value = float(number.replace("_", "."))
    return int(round(value * _SCALE[unit.lower()]))


def _label_number(number: str) -> str:
    return _num(float(number.replace("_", ".")))


_SIZE_RE = re.compile(
    r"^(?:(?P<experts>\d+)x)?(?P<n>\d+(?:[._]\d+)?)(?P<u>[BbMmTt])"
    r"(?:[-_]?[Aa](?P<active>\d+(?:[._]\d+)?)(?P<au>[BbMm]))?(?:-(?P<e2>\d+)[Ee])?(?:x(?P<times>\d+))?$"
)


def parse_size(text: str, m_is_size: bool = False) -> dict[str, Any] | None:
    """``30B-A3B`` → {label, total, active, experts, effective}; ``1m`` → {context: 1000000}."""
    m = re.fullmatch(r"([AaEe])(\d+(?:[._]\d+)?)[Bb]", text)
    if m:
        count = _count(m.group(2), "b")
        label = f"{m.group(1).upper()}{_label_number(m.group(2))}B"
        if m.group(1) in "Aa":
            return {"label": label, "total": None, "active": count, "experts": None, "effective": None}
        return {"label": label, "total": None, "active": None, "experts": None, "effective": count}
    m = re.fullmatch(r"(\d+)[Bb](\d)", text)
    if m:  # bloom-7b1 = 7.1B
        number = f"{m.group(1)}.{m.group(2)}"
        return {
            "label": f"{number}B",
            "total": _count(number, "b"),
            "active": None,
            "experts": None,
            "effective": None,
        }
    m = _SIZE_RE.match(text)
    if m is None:
        return None
    n, unit = m.group("n"), m.group("u")
    if (
        not m_is_size
        and unit in "Mm"
        and not m.group("experts")
        and not m.group("active")
        and float(n.replace("_", ".")) <= 10
    ):
        return {"context": _count(n, "m")}  # 1m, 1M: a context length, not 1 million parameters
    number = _label_number(n)
    unit_up = unit.upper()
    experts = int(m.group("experts")) if m.group("experts") else None
    times = int(m.group("times")) if m.group("times") else None
    active = m.group("active")
    e2 = m.group("e2")
    if experts is not None:
        label = f"{experts}x{number}{unit_up}"
        return {"label": label, "total": None, "active": None, "experts": experts, "effective": None}
    if times is not None:  # 10.7Bx4: four experts of 10.7B
        label = f"{times}x{number}{unit_up}"
        return {"label": label, "total": None, "active": None, "experts": times, "effective": None}
    if e2 is not None:  # 17B-16E: 17B active, 16 experts
        return {
            "label": f"{number}{unit_up}-{int(e2)}E",
            "total": None,
            "active": _count(n, unit),
            "experts": int(e2),
            "effective": None,
        }
    if active is not None:
        au = m.group("au").upper()
        return {
            "label": f"{number}{unit_up}-A{_label_number(active)}{au}",
            "total": _count(n, unit),
            "active": _count(active, au),
            "experts": None,
            "effective": None,
        }
    return {
        "label": f"{number}{unit_up}",
        "total": _count(n, unit),
        "active": None,
        "experts": None,
        "effective": None,
    }


def _plausible_context(k: float) -> bool:
    """Context windows come in powers of two (4k … 2048k) or round sizes (100k, 200k, 1000k)."""
    if not k.is_integer() or k <= 0:
        return False
    n = int(k)
    return (n & (n - 1) == 0 and n <= 4096) or (n % 8 == 0 and n <= 2048) or n in (100, 200, 1000, 10000)


def context_tokens(text: str) -> int:
    """``4k`` → 4096, ``128K`` → 131072 (powers of two ×1024), ``200k`` → 200000, ``1m`` → 1000000."""
    number = float(text[:-1])
    unit = text[-1].lower()
    if unit == "m":
        return int(number * 1_000_000)
    if number == 1048:
        return 1_048_576  # 1048k is how 2^20 tokens is written (Gradient's Llama-3 1048K)
    if number.is_integer() and int(number) & (int(number) - 1) == 0 and number > 0:
        return int(number) * 1024
    return int(number * 1000)


def _valid_date(digits: str, fmt: str) -> bool:
    if fmt == "yymmdd":
        yy, mm, dd = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        return 22 <= yy <= 39 and 1 <= mm <= 12 and 1 <= dd <= 31
    if fmt == "yymm":
        yy, mm = int(digits[:2]), int(digits[2:])
        return 18 <= yy <= 39 and 1 <= mm <= 12
    mm, dd = int(digits[:2]), int(digits[2:])
    return 1 <= mm <= 12 and 1 <= dd <= 31


def _version_note(row: dict[str, Any], version: str | None) -> dict[str, Any] | None:
    """The family table's note on a version, matched by its spelling or an alias (GPT ``35`` = 3.5)."""
    if version is None:
        return None
    notes = row.get("versions") or {}
    if version in notes:
        return notes[version]
    for name, note in notes.items():
        if version in (note.get("aliases") or ()):
            return {**note, "canonical": name}
    return None


def _letter(row: dict[str, Any] | None, text: str) -> str | None:
    """The family's own spelling of a version letter (``r`` → ``R`` for DeepSeek), or None."""
    if row is None or len(text) != 1:
        return None
    for letter in row.get("version_letters", ()):
        if letter.lower() == text.lower():
            return str(letter)
    return None


def _family_version(row: dict[str, Any], rest: tuple[Piece, ...]) -> str | None:
    """The version glued to a family word: ``Qwen2.5`` → 2.5, ``gemma3n`` → 3n, ``MiniCPM3`` → 3."""
    letters = [x.lower() for x in row.get("version_letters", ())]
    text = "".join(p.text for p in rest)
    if all(p.kind in ("NUM", "VERSION") for p in rest) and rest[0].kind == "NUM":
        return _version_text(text)
    if (
        len(rest) == 2
        and rest[0].kind == "NUM"
        and rest[1].kind == "WORD"
        and rest[1].text.lower() in letters
    ):
        return _version_text(rest[0].text) + rest[1].text.lower()
    if rest[0].kind == "VERSION":
        return _version_text(text)
    return None


def _display(word: str) -> str:
    """A community family name as shown: ``samantha`` → ``Samantha``, ``MythoMax`` stays."""
    return word[:1].upper() + word[1:] if word.islower() else word


def _quant_word_fields(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in ("bits", "bits_per_weight"):
        if row.get(k) is not None:
            out[k] = row[k]
    return out


def _file_type_quant(row: dict[str, Any], vocab: Vocabulary) -> dict[str, Any]:
    tensor = vocab.ggml_types.get(row["tensor_type"])
    return {
        "scheme": row["scheme"],
        "method": "gguf",
        "bits": row.get("bits"),
        "bits_per_weight": tensor["bits_per_weight"] if tensor else None,
        "file_bits_per_weight": row.get("file_bits_per_weight"),
    }
