"""Stage 1 — the path: who serves the model and who published it.

    https://hf.co/  bedrock/us-east-1/  Qwen/  Qwen2.5-7B-Instruct
    ^ provider      ^ provider          ^ organization

Rules, in order:

- a pasted address's host, a known serving prefix (``bedrock``, ``openrouter``) and, after one,
  regions, account paths and any further folder are the ``provider``;
- the last folder before the name is the ``organization`` (``Qwen``, ``bartowski``); folders
  between a provider and it belong to the provider;
- a dotted vendor before the name is the organization of a Bedrock id (``anthropic.claude-…``),
  and a region before it (``us.anthropic.…``) is part of the provider;
- a namespace glued to the name by ``_`` or ``.`` (bartowski's ``mistralai_Ministral-3-…``) is
  taken off the name: it says who made the model, not what the model is called.
"""

from __future__ import annotations

from typing import Any

from .._grammar import Chunk, Skeleton
from ..tables import Vocabulary, key
from .state import Reading
from .values import is_locale, is_region, is_resolution

__all__ = ["read_path", "read_dotted_prefixes", "read_embedded_namespace"]


def read_path(skel: Skeleton, r: Reading, v: Vocabulary) -> None:
    """The URL host and the folders before the name → ``provider`` and ``organization``."""
    if skel.url is None and not skel.namespaces:
        return
    names = [p.text[:-1] for p in skel.namespaces]
    prefix: list[str] = []
    if skel.url is not None:
        host = skel.url.text.split("://", 1)[1].rstrip("/")
        prefix.append(host)
        r.note("provider", host, v.providers.get(("prefix", host.lower())))
    # ModelScope ids are sometimes written with the namespace twice (Qwen/Qwen/Qwen3-…).
    names = [n for j, n in enumerate(names) if not (j and n.lower() == names[j - 1].lower())]
    i = _provider_folders(names, prefix, _dotted_vendor(skel.leaf, v), r, v)
    rest = names[i:]
    if rest:
        org = rest[-1]
        prefix.extend(rest[:-1])
        vendor = v.vendor_by_org.get(org.lower())
        uploader = v.uploaders.get(org.lower())
        r.set_organization(org, vendor or uploader, uploader=uploader is not None)
    if prefix:
        r.add_provider("/".join(prefix), 0)
    up = v.uploaders.get((r.organization or "").lower())
    if up is not None and up.format and r.format is None:
        r.set_format(up.format, None)  # mlx-community: everything is MLX


def _dotted_vendor(leaf: tuple[Chunk, ...], v: Vocabulary) -> bool:
    """The name starts with a dotted vendor or region (``anthropic.claude-…``, ``us.meta.…``)."""
    return (
        len(leaf) > 1
        and leaf[1].sep == "."
        and (leaf[0].key in v.vendor_by_org or leaf[0].key in v.regions and leaf[0].key != "us-gov")
    )


def _provider_folders(names: list[str], prefix: list[str], dotted: bool, r: Reading, v: Vocabulary) -> int:
    """Move the folders that belong to a provider into ``prefix``; the index of the first that does not."""
    in_provider = bool(prefix)
    i = 0
    while i < len(names):
        word = names[i].lower()
        last = i == len(names) - 1
        row = v.providers.get(("prefix", word))
        path_row = v.providers.get(("path", word))
        if row is not None and not (last and word in v.vendor_by_org):
            r.note("provider", names[i], row)
            in_provider = True
        elif path_row is not None and (not last or dotted) or is_resolution(word):
            # low/1024-x-1024/gpt-image-1: a pricing tier and an image size, not the model's namespace
            r.note("provider", names[i], path_row)
            in_provider = True
        elif in_provider and (
            dotted  # bedrock/us-east-1/6-month-commitment/anthropic.claude-v1
            or path_row is not None
            or is_region(word, v.regions)
            or (i and names[i - 1].lower() == "accounts")
            or not last
        ):
            r.note("provider", names[i], path_row)
        else:
            break
        prefix.append(names[i])
        i += 1
    return i


def read_dotted_prefixes(chunks: list[Chunk], r: Reading, v: Vocabulary) -> list[Chunk]:
    """Bedrock-style ids: ``us.anthropic.claude-…``, ``meta.llama3-…``, ``deepseek.r1-v1:0``.

    A region word before a dot joins the provider; a vendor's namespace before a dot is the
    organization — unless it is also the family and no other family follows (``deepseek.r1``).
    """
    while len(chunks) > 1 and chunks[1].sep == "." and _is_word(chunks[0]):
        word = chunks[0].key
        if is_region(word, v.regions) and (r.provider or word in v.regions):
            r.add_provider(
                chunks[0].text, chunks[0].start, v.providers.get(("path", word)), note=chunks[0].text
            )
        elif word in v.vendor_by_org and not r.organization:
            nxt = chunks[1]
            names_family = nxt.pieces[0].kind == "WORD" and (
                key(nxt.pieces[0].text) in v.family_by_alias or nxt.key in v.family_by_alias
            )
            if word in v.family_by_alias and not names_family:
                r.set_organization(chunks[0].text, v.vendor_by_org[word])
                r.dotted = True
                break  # deepseek.r1, deepseek.v3.2: the vendor's word is also the family
            r.set_organization(chunks[0].text, v.vendor_by_org[word])
            r.dotted = True
        else:
            break
        chunks = [Chunk(chunks[1].pieces, "")] + chunks[2:]
    return chunks


def _is_word(chunk: Chunk) -> bool:
    return len(chunk.pieces) == 1 and chunk.pieces[0].kind == "WORD"


def read_embedded_namespace(chunks: list[Chunk], r: Reading, v: Vocabulary) -> list[Chunk]:
    """Names that start with the original namespace: bartowski's ``mistralai_Ministral-3-…``,
    ``huihui-ai_DeepSeek-R1-…``, ``deepseek-ai.DeepSeek-V3.2.Q4_K_M…`` (after a role word such as
    ``mmproj-`` too), and ``Huihui-gpt-oss-20b-…`` (an uploader's own marker)."""
    start = 0
    while start < len(chunks) and _tag_field(v, chunks[start].key) == "role":
        start += 1  # mmproj-Qwen_Qwen3.5-4B-f16
    for n in (1, 2, 3):
        end = start + n  # the chunk after the namespace
        if end + 1 >= len(chunks) or chunks[end].sep not in ("_", "."):
            continue
        if any(c.sep != "-" for c in chunks[start + 1 : end]) or not all(
            _is_word(c) for c in chunks[start:end]
        ):
            break
        found = _namespace(chunks, start, end, r, v)
        if found is None:
            continue
        spelled, vendor = found
        r.note("organization", spelled, vendor, embedded=True)
        if vendor is not None:
            r.vendor_hint = vendor
        chunks = chunks[:start] + [Chunk(chunks[end].pieces, "-" if start else "")] + chunks[end + 1 :]
        break
    first = chunks[start] if start < len(chunks) else None
    if (
        first is not None
        and _is_word(first)
        and first.key in v.uploaders
        and start + 1 < len(chunks)
        and chunks[start + 1].sep == "-"
        and chunks[start + 1].pieces[0].kind == "WORD"
        and first.key not in v.family_by_alias
    ):
        # Huihui-gpt-oss-20b-…: huihui-ai's own marker before the model's name (not Huihui-3.5-…)
        r.note("organization", first.text, v.uploaders[first.key], uploader=True, embedded=True)
        chunks = chunks[:start] + [Chunk(chunks[start + 1].pieces, first.sep)] + chunks[start + 2 :]
    return chunks


def _tag_field(v: Vocabulary, word: str) -> str | None:
    row = v.tags.get(word)
    return row.field if row is not None else None


def _namespace(
    chunks: list[Chunk], start: int, end: int, r: Reading, v: Vocabulary
) -> tuple[str, Any] | None:
    """(spelling, vendor row or None) when ``chunks[start:end]`` is a namespace glued to the name."""
    words = chunks[start:end]
    if end - start == 1 and chunks[end].sep == "_" and is_locale(words[0].text, chunks[end].text, v.tags):
        return None  # en_US: a locale, not a namespace
    spelled = "-".join(c.text for c in words)
    lower = spelled.lower()
    vendor = v.vendor_by_org.get(lower)
    known = vendor is not None or lower in v.uploaders
    if chunks[end].sep != "_":
        return (spelled, vendor) if known else None  # a dotted prefix must be a known namespace
    rest = chunks[end + 1 :]
    if any(c.sep == "_" for c in rest) or not any(c.sep == "-" for c in rest):
        return None
    after = chunks[end]
    after_is_family = after.pieces[0].kind == "WORD" and (
        key(after.pieces[0].text) in v.family_by_alias or after.key in v.family_by_alias
    )
    if (
        end - start == 1
        and (words[0].key in v.family_by_alias or words[0].key in v.tags)
        and not after_is_family
    ):
        return None  # openchat_3.5-16k: the family itself, not a namespace
    if not known:
        first = after.pieces[0]
        requantized = (r.organization or "").lower() in v.uploaders
        if not (
            after_is_family
            or requantized
            or end - start == 1
            and first.kind == "WORD"
            and first.text[:1].isupper()
        ):
            return None
    return spelled, vendor
