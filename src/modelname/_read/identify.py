"""Stage 6 — what the name identifies: a published checkpoint, or a real model id of an API.

A **checkpoint** (``tables/checkpoints.toml``) is found by what the name says, not by its spelling:
every row's id is read by the stages before this one, and a name whose family, version, variant,
size label, distillation and non-tuning functions (``coder``, ``vision`` — not ``instruct`` or
``base``, see ``functions.toml``'s ``tuning``) are the same is that checkpoint, however it is
uploaded, quantized or re-named.  Of several rows with the same reading, the one whose functions
match the name's exactly wins.  A fine-tune or merge built on a known base (``base_model``) of the
same size takes the base's figures.  Projectors, adapters and importance matrices match nothing.

A **real model id** (``tables/api_models.toml``): an API id of a family whose weights are closed
(``families.toml``: ``weights = "closed"``) that is none of the family's known ids, aliases or
other services' ids gets a warning, with the nearest real ids.
"""

from __future__ import annotations

import json
import os
from typing import Any

from .._grammar import Skeleton
from ..tables import Vocabulary
from .resolve import family_text
from .state import Reading
from .values import version_text

__all__ = ["read_checkpoint", "read_known_model", "signature", "checkpoint_index", "api_index", "model_key"]

Signature = tuple[Any, ...]
Entry = list[Any]  # [a checkpoint row's number, its functions, its date]


def signature(r: Reading, v: Vocabulary) -> Signature | None:
    """What identifies a checkpoint in a reading; None when the reading cannot name one."""
    if r.family is None or r.role in ("mmproj", "lora", "imatrix"):
        return None
    label = r.parameters["label"].lower() if r.parameters else None
    functions = tuple(sorted(f for f in r.functions if not _tuning(f, v)))
    distill = (r.distill.get("teacher"), r.distill.get("base")) if r.distill else None
    return (r.family, r.version, tuple(x.lower() for x in r.variant), label, functions, distill)


def _tuning(function: str, v: Vocabulary) -> bool:
    row = v.functions.get(function)
    return row is not None and row.tuning


def read_checkpoint(skel: Skeleton, r: Reading, v: Vocabulary) -> None:
    """The checkpoint the name identifies, directly or through the base it was built on."""
    sig = signature(r, v)
    if sig is None:
        return
    index = checkpoint_index(v)
    found = index["exact"].get(_key(sig))
    how = "name"
    if found is None and r.base_model is not None and r.parameters is not None:
        found = index["base"].get(_key((r.base_model, sig[3])))
        how = "base"
    if found and r.date is not None and any(entry[2] for entry in found):
        # command-r-08-2024 is not command-r-v01: where the checkpoints are told apart by date, the
        # name's date must be one of theirs (a snapshot date of an API id is not, when none has one)
        found = [entry for entry in found if entry[2] == r.date]
    if not found:
        return
    number = _best(found, sorted(r.functions), skel.text.lower(), index["rows"])
    r.set_checkpoint(index["rows"][str(number)], how)


def _best(found: list[Entry], functions: list[str], text: str, rows: dict[str, dict[str, Any]]) -> int:
    """Of rows read the same way: the one with the name's own functions (Instruct, not Base), then
    the one whose id the name spells (``MiniMax-M1-80k``, not ``…-40k``; the longest such:
    ``Qwen2.5-7B-Instruct-1M``, not ``Qwen2.5-7B-Instruct``), then the first."""

    def rank(entry: Entry) -> tuple[bool, bool, int]:
        number, fns, _date = entry
        leaf = rows[str(number)]["id"].rsplit("/", 1)[-1].lower()
        spelled = leaf in text
        return (fns != functions, not spelled, -len(leaf) if spelled else 0)  # the longest spelled: …-1M

    return min(found, key=rank)[0]


def _key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def checkpoint_index(v: Vocabulary) -> dict[str, dict[str, Any]]:
    """Readings of every checkpoint id: ``exact`` by signature, ``base`` by (family and version,
    size label) for rows of a plain model, and the figures of each row (``rows``, by number), so a
    parse does not read the table itself."""
    return _index("checkpoints", v, _build_index, _valid)


def api_index(v: Vocabulary) -> dict[str, Any]:
    """Readings of every real API id (ids, aliases, other services' ids): ``keys`` (model key →
    ids) and ``versions`` (family → the versions its real ids have, ``""`` for none)."""
    return _index("api_models", v, _build_api_index, _valid_api)


def _index(what: str, v: Vocabulary, build: Any, valid: Any) -> Any:
    """An index made by reading table ids with the stages before this one: built once per table
    and reader version, then kept in the user's cache (JSON) — reading a few hundred ids takes a
    start about 50 ms."""
    cached = _INDEX.get(what)
    if cached is not None and cached[0] is v:
        return cached[1]
    from ..tables import _cache

    stamps = _stamps()
    index = _cache.read_json(stamps, what)
    if not valid(index):
        index = build(v)
        _cache.write_json(stamps, what, index)
    _INDEX[what] = (v, index)
    return index


_INDEX: dict[str, tuple[Vocabulary, Any]] = {}


def _reading(text: str) -> Reading | None:
    from .._grammar import check, skeleton
    from ..errors import InvalidModelName
    from . import read

    try:
        return read(skeleton(check(text)), identify=False)
    except InvalidModelName:
        return None


def model_key(r: Reading, v: Vocabulary) -> str | None:
    """What tells API models apart in a reading: family, version, tier words, non-tuning functions
    and size — not the date, the provider or the spelling."""
    if r.family is None:
        return None
    # a service's thinking mode (…-reasoning, …-think) is the same model: only other functions count
    functions = sorted(f for f in r.functions if not _tuning(f, v) and f != "reasoning")
    label = r.parameters["label"].lower() if r.parameters else None
    # tiers from the tags table (mini, Pro, Max); a word placed by position alone (Preview, Latest)
    # is a release channel or a catalogue's word, not another model
    tiers = [
        n.token.lower()
        for n in r.notes
        if n.field == "variant" and n.row is not None and not getattr(n.row, "release", False)
    ]
    version = (r.version or "").lower()
    if r.bedrock_version and version == version_text(r.bedrock_version).lower():
        version = ""  # amazon.nova-pro-v1:0: Bedrock's revision, not the model's version
    return _key([r.family, version, tiers, functions, label])


def _build_api_index(v: Vocabulary) -> dict[str, Any]:
    keys: dict[str, list[str]] = {}
    versions: dict[str, list[str]] = {}
    for spelling, row in v.api_models.items():
        r = _reading(spelling)
        key = model_key(r, v) if r is not None else None
        if key is not None and r is not None and r.family is not None:
            keys.setdefault(key, []).append(row.id)
            found = versions.setdefault(r.family, [])
            if json.loads(key)[1] not in found:
                found.append(json.loads(key)[1])
    return {"keys": keys, "versions": versions}


def _valid_api(index: Any) -> bool:
    if not isinstance(index, dict) or set(index) != {"keys", "versions"}:
        return False
    return all(
        isinstance(k, str) and isinstance(values, list) and all(isinstance(i, str) for i in values)
        for part in index.values()
        if isinstance(part, dict)
        for k, values in part.items()
    )


def _build_index(v: Vocabulary) -> dict[str, dict[str, Any]]:
    exact: dict[str, list[Entry]] = {}
    base: dict[str, list[Entry]] = {}
    for number, row in enumerate(v.checkpoints):
        r = _reading(row.id)
        sig = signature(r, v) if r is not None else None
        if sig is None:
            continue
        entry = [number, sorted(r.functions), r.date]  # as JSON gives it back
        exact.setdefault(_key(sig), []).append(entry)
        if not sig[2] and not sig[4] and sig[5] is None and sig[3] is not None:
            base.setdefault(_key((family_text(r.family, r.version), sig[3])), []).append(entry)
    rows = {str(n): {f: getattr(row, f) for f in _FIGURES} for n, row in enumerate(v.checkpoints)}
    return {"exact": exact, "base": base, "rows": rows}


_FIGURES = ("id", "total", "total_exact", "active", "context_length", "released", "source", "dtype")
"""What a result's ``checkpoint`` holds (``parts.Checkpoint``)."""


def _valid(index: Any) -> bool:
    if not isinstance(index, dict) or set(index) != {"exact", "base", "rows"}:
        return False
    rows = index["rows"]
    try:
        return all(
            str(n) in rows and isinstance(fns, list) and (date is None or isinstance(date, str))
            for part in (index["exact"], index["base"])
            for entries in part.values()
            for n, fns, date in entries
        ) and all(isinstance(row, dict) and set(row) == set(_FIGURES) for row in rows.values())
    except (TypeError, ValueError, AttributeError):
        return False


def _stamps() -> dict[str, str]:
    """What the index depends on: the tables and the reader's code (size and time of each file)."""
    from ..tables import TABLES, _stamp

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamps = {f"tables/{name}": _stamp(name) for name in TABLES}
    for folder in ("", "_read"):
        path = os.path.join(here, folder)
        for name in sorted(os.listdir(path)):
            if name.endswith((".py", ".lark", ".json")) or name == "grammar":
                full = os.path.join(path, name)
                if os.path.isfile(full):
                    st = os.stat(full)
                    stamps[f"{folder}/{name}"] = f"{st.st_size} {st.st_mtime_ns}"
    return stamps


# --------------------------------------------------------------------------- real API ids


def read_known_model(skel: Skeleton, r: Reading, v: Vocabulary) -> None:
    """An API id of a closed family that no real id of it reads like: a warning, with the nearest
    ids.  A real id is known however it is written — dated, with a provider's prefix or path, with
    the words of another catalogue's order (``claude-4-5-haiku`` = ``claude-haiku-4-5``) — because
    both are compared by what they read as (:func:`model_key`), not by their spelling."""
    row = r.family_row
    if row is None or row.weights != "closed" or r.kind != "api_name":
        return
    if r.organization is not None and not r.provider:
        vendor = v.vendor_by_org.get(r.organization.lower())
        if vendor is None or vendor.name != row.vendor:
            return  # someone's repo named after the model (Locutusque/gpt2-…), not an API id
    if r.parameters is not None:
        return  # an id with a parameter count is an open model's (gpt2_124m, GPT-JT-6B), not a closed API's
    spellings = _spellings(skel, r)
    if any(s in v.api_models for s in spellings):
        return
    key = model_key(r, v)
    index = api_index(v)
    if key is None or key in index["keys"]:
        return
    versions = index["versions"].get(row.name)
    if not versions:
        return
    version = json.loads(key)[1]
    if version and version not in versions:
        return  # a version the table does not list may be newer or older than it: not flagged
    known = v.api_ids.get(row.name, [])
    import difflib

    nearest = difflib.get_close_matches(spellings[-1], sorted(set(known)), n=3, cutoff=0.5)
    vendor_row = v.vendors.get(row.vendor)
    maker_zh = vendor_row.zh_name if vendor_row is not None and vendor_row.zh_name else row.vendor
    en = f"No {row.vendor} model of this name is known ({len(set(known))} real ids of {row.name} are)"
    space = "" if maker_zh[-1] > "\u2e7f" else " "  # a space between Chinese and Latin text only
    zh = f"没有已知的同名{space}{maker_zh}{space}模型（已知 {row.name} 的真实型号 {len(set(known))} 个）"
    if nearest:
        en += f"; did you mean {_either(nearest, 'or')}?"
        zh += f"；是否想找 {_either(nearest, '或', '、')}？"
    else:
        en, zh = en + ".", zh + "。"
    r.add_warning("unknown_model", en, zh)


def _either(ids: list[str], word: str, comma: str = ", ") -> str:
    return ids[0] if len(ids) == 1 else f"{comma.join(ids[:-1])} {word} {ids[-1]}"


def _spellings(skel: Skeleton, r: Reading) -> list[str]:
    """The name as an API id, from the whole text down to the model id alone: without the path,
    without a ``:`` tag, without a region and a dotted vendor in front (``us.anthropic.``)."""
    text = skel.text.lower()
    out = [text]
    leaf = text.rsplit("/", 1)[-1]
    out.append(leaf)
    bare = leaf.split(":", 1)[0]
    out.append(bare)
    parts = bare.split(".")
    while len(parts) > 1 and not any(ch.isdigit() for ch in parts[0]) and "-" not in parts[0]:
        parts = parts[1:]
        out.append(".".join(parts))
    if r.bedrock_version and out[-1].endswith("-" + r.bedrock_version.lower()):
        out.append(out[-1][: -len(r.bedrock_version) - 1])
    # what a service adds to the id (o3-mini-high: an effort; …-thinking-64k: a budget) is not the model's
    for note in r.notes:
        if note.field == "attributes" and note.row is not None:
            for suffix in (f"-{note.row.after}-{note.token}" if note.row.after else None, f"-{note.token}"):
                if suffix and out[-1].endswith(suffix.lower()):
                    out.append(out[-1][: -len(suffix)])
                    break
    return list(dict.fromkeys(out))
