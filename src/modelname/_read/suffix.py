"""Stage 2 — the ends of the name: what follows a ``:`` and the file extension.

    anthropic.claude-3-5-sonnet-20240620-v1:0      Bedrock's API version → provider
    deepseek/deepseek-r1:free                      an OpenRouter variant → provider
    qwen2.5-coder:32b-instruct-q4_K_M              an Ollama tag: its words are read with the name's
    Qwen2.5-7B-Instruct-Q4_K_M.gguf                a known extension → format (and kind gguf_file)

The extension is a trailing ``.word`` whose spelling the formats table lists; any other trailing
``.word`` (``dots.llm1.inst``, ``Qwen2.5.Q4_K_M``) stays part of the name.
"""

from __future__ import annotations

from .._grammar import Chunk, Piece, Skeleton
from ..tables import Vocabulary
from .state import Reading

__all__ = ["read_tags", "read_extension"]

_MAX_EXTENSION = 16  # characters after the dot


def read_tags(skel: Skeleton, chunks: list[Chunk], r: Reading, v: Vocabulary) -> list[Chunk]:
    """Serving suffixes after ``:`` become ``provider``; the chunks of an Ollama tag are read after
    the name's (``qwen2.5:7b`` → ``qwen2.5`` then ``7b``).  A file name keeps its file kind."""
    tags = list(skel.tags)
    while tags:
        tag = tags[-1]
        text = "".join(c.sep + c.text for c in tag)[1:]
        row = v.providers.get(("suffix", text.lower()))
        last = chunks[-1] if chunks else None
        if row is not None:
            r.add_provider(":" + text, tag[0].start, row, note=":" + text)
            if text.lower() == "cloud" and r.kind not in ("file", "gguf_file"):
                r.kind = "ollama_tag"  # gemma4:cloud is an Ollama tag served from Ollama's cloud
        elif _api_version(tag, chunks, last):
            chunks = _read_api_version(tag[0].text, text, chunks, r, v)
        elif len(chunks) == 1 and chunks[0].key == "ft" and not skel.namespaces:
            # OpenAI fine-tune ids: ft:gpt-4o-2024-11-20:org::id
            r.add_provider("ft:", 0, v.providers.get(("prefix", "ft")), note="ft:")
            return [Chunk(tag[0].pieces, ""), *tag[1:]]
        else:
            break
        tags.pop()
    if tags:
        if r.kind not in ("file", "gguf_file"):
            r.kind = "ollama_tag"
        for tag in tags:
            chunks.extend(tag)
    return chunks


def _api_version(tag: tuple[Chunk, ...], chunks: list[Chunk], last: Chunk | None) -> bool:
    """``…-v1:0`` / ``…-v2:1``: a number after ``:`` right after a ``v`` version."""
    return (
        len(tag) == 1
        and tag[0].kinds == ("NUM",)
        and tag[0].text.isdigit()
        and last is not None
        and last.kinds == ("VERSION",)
        and len(chunks) > 1
    )


def _read_api_version(number: str, text: str, chunks: list[Chunk], r: Reading, v: Vocabulary) -> list[Chunk]:
    last = chunks[-1]
    if number == "0" or any(c.kinds == ("DATE",) for c in chunks):
        # Bedrock's API version suffix: anthropic.claude-3-5-sonnet-20240620-v1:0
        suffix = f"{last.text}:{text}"
        r.add_provider(suffix, last.start, v.providers.get(("suffix", "v1:0")), note=suffix)
        r.bedrock_version = last.text  # titan-embed-text-v2:0 is Titan Embeddings V2
        return chunks[:-1]
    # anthropic.claude-v2:1 is Claude 2.1
    merged = Piece("VERSION", f"{last.text}.{text}", last.start)
    return chunks[:-1] + [Chunk((merged,), last.sep)]


def read_extension(text: str, chunks: list[Chunk], r: Reading, v: Vocabulary) -> list[Chunk]:
    """A trailing ``.ext`` that names a model format → ``format`` and the file kind; an
    importance matrix (``.imatrix``, ``imatrix.dat``) → role ``imatrix``.  ``text`` is the name."""
    found = _trailing_extension(chunks)
    if found is None:
        return chunks
    start, ext = found
    lower = ext.lower()
    if lower == "imatrix" or lower == "dat" and "imatrix" in text.lower():
        # imatrix.dat, model.imatrix: an importance matrix for quantizing, not a model
        r.kind = "file"
        r.set_role("imatrix", "." + ext, v.tags.get("imatrix"))
        if lower == "imatrix":
            return chunks[:start]
        return [c for c in chunks[:start] if c.key != "imatrix"] or chunks[:start]
    row = v.format_by_ext.get(lower)
    if row is None:
        return chunks  # not a model format: part of the name (dots.llm1.inst, Qwen2.5.Q4_K_M)
    r.kind = "gguf_file" if row.id == "gguf" else "file"
    r.set_format(row.id, lower)
    r.note("format", "." + ext, row)
    r.role = "model"  # unless a word says otherwise (mmproj, LoRA)
    return chunks[:start]


def _trailing_extension(chunks: list[Chunk]) -> tuple[int, str] | None:
    """(index of its first chunk, text) of the text after the last ``.`` when it can be an
    extension: a letter first, then letters, digits and ``_``, at most 16 characters."""
    for start in range(len(chunks) - 1, 0, -1):
        sep = chunks[start].sep
        if sep == ".":
            break
        if sep != "_":
            return None
    else:
        return None
    ext = "".join((c.sep if j else "") + c.text for j, c in enumerate(chunks[start:]))
    if len(ext) > _MAX_EXTENSION or not ext[:1].isascii() or not ext[:1].isalpha():
        return None
    if not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in ext):
        return None
    if ext.lower().startswith("part") and ext[4:5].isdigit():
        return None  # .part1of2 is a split-file suffix
    return start, ext
