"""Stage 4 — what the words mean together: second families, distillation, the maker, known
totals, what a version implies, and Ollama tags that are really another model.

    DeepSeek-R1-Distill-Qwen-7B      R1 taught a Qwen student          distill {teacher, base}
    dolphin-2.5-mixtral-8x7b         Dolphin built on Mixtral           base_model; 8x7B = 46.7B
    Llama-3.1-Nemotron-70B           Nemotron, a derivative of Llama    family Nemotron, base Llama 3.1
    deepseek-r1:7b                   an Ollama alias                    resolved → DeepSeek-R1-Distill-Qwen-7B
"""

from __future__ import annotations

import re
from typing import Any

from ..tables import Vocabulary, key
from .place import version_note
from .state import Reading, Where
from .values import size, version_text

__all__ = [
    "read_families",
    "read_versions",
    "read_provider_suffixes",
    "read_vendor",
    "read_known_totals",
    "read_implied_functions",
    "read_small_m_size",
    "read_ollama_alias",
]

_BARE_V = re.compile(r"v\d+")


def model_text(family: str | None, version: str | None) -> str | None:
    """``DeepSeek-R1``: a model named by its family and version."""
    if family is None:
        return None
    return f"{family}-{version}" if version else family


def family_text(family: str | None, version: str | None) -> str | None:
    """``Qwen 2.5``: a family and its version, as a base or a student."""
    if family is None:
        return None
    return f"{family} {version}" if version else family


def read_families(r: Reading, v: Vocabulary) -> None:
    """Decide what each family after the first is: a distillation's teacher or student, the
    base of a derivative line (Nemotron on Llama), or the base model of a fine-tune."""
    if not r.other_families:
        if r.distill_at is not None and r.family is not None:
            # Qwen3-8B-…-Distilled: a student whose teacher the name does not give
            r.distill = {"teacher": None, "base": family_text(r.family, r.version)}
            r.source("distill", "pattern")
        return
    if r.distill_at is not None:
        r.distill = _distill_roles(r, v)
        r.source("distill", "table")
        used = {id(item[1]) for item in r.distill_rows}
        rest = [item for item in r.other_families if id(item[1]) not in used]
    else:
        rest = _implied_distill(r, list(r.other_families))
        if r.family_row is not None and not r.family_row.derivative:
            rest = _derivative_line(r, rest)
    # A base family (Llama, Mistral) is the base model before a fine-tune line (Dolphin).
    for _pos, row, value, token in sorted(rest, key=lambda item: bool(item[1].derivative)):
        foreign = (
            row.derivative
            and r.family_row is not None
            and not r.family_row.derivative
            and row.category != r.family_row.category
        )  # piper-sv_SE-alma-medium: a voice named like a chat fine-tune line is no base of a speech model
        if foreign or (row.weights == "closed" and r.distill is None):
            # A closed model cannot be a base: a name word (…-Claude-…), kept as a fine-tune word
            r.finetune.append(token)
            r.source("finetune", "table")
        elif r.base_model is None and row.name != r.family:
            r.base_model = family_text(row.name, value)
            r.source("base_model", "table")
        elif row.name != r.family:
            r.finetune.append(token)
            r.source("finetune", "table")


def _implied_distill(r: Reading, rest: list[Where]) -> list[Where]:
    """DeepSeek-R1-0528-Qwen3-8B: a teacher version followed by an open family is a distillation
    even without the word Distill."""
    found = version_note(r.family_row, r.version) if r.family_row is not None else None
    student = next((item for item in rest if item[1].weights != "closed"), None)
    if found is None or not found[0].teacher or student is None:
        return rest
    teacher = model_text(r.family, r.version) or ""
    if r.date and r.date_token:
        teacher += f"-{r.date_token}"
    r.distill = {"teacher": teacher, "base": family_text(student[1].name, student[2])}
    r.source("distill", "table")
    return [item for item in rest if item is not student]


def _derivative_line(r: Reading, rest: list[Where]) -> list[Where]:
    """Llama-3.1-Nemotron-70B: a derivative family named after its base takes the family; the
    first family becomes the base model."""
    for j, (_pos, row, value, _token) in enumerate(rest):
        if not row.derivative or (r.family_row is not None and row.category != r.family_row.category):
            continue  # piper-de_DE-eva_k: a voice of a speech model is no chat fine-tune line
        base = family_text(r.family, r.version)
        if value is None:
            # Llama-3_3-Nemotron-Super-49B-v1: the derivative's own version came later
            for note in r.notes:
                if note.field == "finetune" and note.info and note.info.get("version"):
                    value = note.info["version"]
                    note.field = "version"
                    if note.token in r.finetune:
                        r.finetune.remove(note.token)
                    break
        r.base_rows.append(r.family_row)
        r.family, r.family_row, r.version = row.name, row, value
        r.sources["family"] = "table"
        r.base_model = base
        r.source("base_model", "table")
        r.drop("version")
        if value is not None:
            r.source("version", "pattern")
        return rest[:j] + rest[j + 1 :]
    return rest


def _distill_roles(r: Reading, v: Vocabulary) -> dict[str, Any]:
    """Teacher and student of a distillation, from where the families stand around "Distill".

    DeepSeek-R1-Distill-Qwen-7B       the family before is the teacher, the one after the base
    OREAL-DeepSeek-R1-Distill-Qwen    (the same, with a community name first)
    Qwen3.5-…-Claude-4.6-Opus-…-Distilled   a closed teacher before it: the name's family is the base
    deepseek-r1:32b-qwen-distill      an open family just before it: distilled into that family
    """
    at = r.distill_at or 0
    before = [item for item in r.other_families if item[0] < at]
    after = [item for item in r.other_families if item[0] > at]
    main_text = model_text(r.family, r.version)
    if before and before[-1][1].weights == "closed":
        row, value = before[-1][1], before[-1][2]
        r.distill_rows = [before[-1]]
        return {"teacher": _teacher_text(row, value, r, v), "base": family_text(r.family, r.version)}
    if after:
        teacher = model_text(before[-1][1].name, before[-1][2]) if before else main_text
        r.distill_rows = [after[0], *before[-1:]]
        return {"teacher": teacher, "base": family_text(after[0][1].name, after[0][2])}
    if before:
        r.distill_rows = [before[-1]]
        return {"teacher": main_text, "base": family_text(before[-1][1].name, before[-1][2])}
    return {"teacher": None, "base": family_text(r.family, r.version)}


def _teacher_text(row: Any, value: str | None, r: Reading, v: Vocabulary) -> str:
    """A closed teacher with its version and tier (``Claude-4.6-Opus``): the first tier word of
    the name moves from ``variant`` to the teacher."""
    parts = [row.name]
    if value:
        parts.append(value)
    for word in r.variant:
        tag = v.tags.get(key(word))
        if tag is not None and tag.tier:
            parts.append(word)
            r.variant.remove(word)
            if not r.variant:
                r.drop("variant")
            break
    return "-".join(parts)


def read_versions(r: Reading, v: Vocabulary) -> None:
    """A version spelled by one of its aliases takes the table's spelling (azure ``gpt-35`` → 3.5)."""
    if r.family_row is not None and r.version is not None:
        found = version_note(r.family_row, r.version)
        if found is not None and found[1] is not None:
            r.version = found[1]


def read_provider_suffixes(r: Reading, v: Vocabulary) -> None:
    """Serving details found among the words: a dotted Bedrock id's ``-v1`` is the API version;
    a Bedrock id's ``…-v2:0`` gives the model's version when nothing else does; a platform's own
    namespace before another maker's model (``databricks/databricks-claude-…``) is the provider,
    not the organization."""
    if r.dotted and r.finetune and _BARE_V.fullmatch(r.finetune[-1]) and r.version is not None:
        r.add_provider(r.finetune.pop(), 10**6)  # the end of the name
        if not r.finetune:
            r.drop("finetune")
    if r.bedrock_version and r.version is None and r.date is None and r.family is not None:
        r.set_version(version_text(r.bedrock_version), r.bedrock_version, r.version_at)
    fam = r.family_row
    org = (r.organization or "").lower()
    if (
        fam is not None
        and org in v.vendor_by_org
        and ("prefix", org) in v.providers
        and v.vendor_by_org[org].name != fam.vendor
        and not r.dotted
    ):
        r.add_provider(r.organization or "", 0)
        r.organization = None
        r.drop("organization")


def read_vendor(r: Reading, v: Vocabulary) -> None:
    """The maker: the family's vendor; else a vendor named in the name or owning the namespace."""
    fam = r.family_row
    if fam is not None:
        r.vendor = fam.vendor
        r.source("vendor", "table")
        r.note("vendor", fam.name, v.vendors.get(fam.vendor), via="family")
    elif r.vendor_hint is not None:
        r.vendor = r.vendor_hint.name
        r.source("vendor", "table")
    elif r.organization and r.organization.lower() in v.vendor_by_org:
        row = v.vendor_by_org[r.organization.lower()]
        r.vendor = row.name
        r.source("vendor", "table")
        r.note("vendor", r.organization, row, via="organization")


def _known_total(r: Reading, label: str) -> tuple[int, Any] | None:
    for row in (r.family_row, *r.base_rows, *(item[1] for item in r.other_families)):
        if row is None:
            continue
        total = row.known_sizes.get(label) or row.known_sizes.get(label.lower())
        if total:
            return int(round(total)), row
    return None


def read_known_totals(r: Reading, v: Vocabulary) -> None:
    """A size label that does not state the total (Mixtral ``8x7B`` = 46.7B): the families
    table knows it (the name's family, its base, or another family in the name)."""
    params = r.parameters
    if params is None or params.get("total") is not None:
        return
    found = _known_total(r, params["label"])
    if found is not None:
        params["total"], row = found
        r.sources["parameters"] = "table"
        r.note("parameters", params["label"], row, known_total=params["total"])


def read_implied_functions(r: Reading, v: Vocabulary) -> None:
    """Functions implied by the family (QwQ → reasoning) or by its version (DeepSeek R1); the
    table's note on the version replaces the plain "Version R1 of the model"."""
    fam = r.family_row
    if fam is None:
        return
    found = version_note(fam, r.version)
    note = found[0] if found is not None else None
    for fn in (*fam.functions, *(note.functions if note is not None else ())):
        if fn not in r.functions:
            r.functions.append(fn)
            r.source("functions", "table")
    if note is not None and note.en:
        token = next((n.token for n in r.notes if n.field == "version" and n.row is None), r.version or "")
        r.notes = [n for n in r.notes if not (n.field == "version" and n.row is None)]
        r.note("version", token, note)


def read_small_m_size(r: Reading, v: Vocabulary) -> None:
    """``Tiny-2M``: a small M figure is a context length only beside a parameter size
    (``…-7B-1M``); alone it is the model's size."""
    if r.parameters is not None or r.context_length is None or r.context_from_m is None:
        return
    found = size(r.context_from_m.upper(), m_is_size=True)
    if found is None:
        return
    r.parameters = found
    r.context_length = None
    r.drop("context_length")
    r.source("parameters", "pattern")
    for note in r.notes:
        if note.field == "context_length" and note.token == r.context_from_m:
            note.field, note.info = "parameters", {k: x for k, x in found.items() if x is not None}


def read_ollama_alias(text: str, namespaces: int, r: Reading, v: Vocabulary) -> None:
    """Ollama library tags that are really another model (``deepseek-r1:7b`` is a Qwen student of
    R1): ``resolved`` names it, and what its name says fills what the tag leaves out."""
    rows = v.ollama.get(text[namespaces:].lower())
    if not rows:
        return
    current = next((row for row in rows if not row.until), rows[-1])
    earlier = [row for row in rows if row is not current]
    reason = current.en
    if earlier:
        moved = "; ".join(
            f"{row.resolves_to} (until {row.until})" if row.until else row.resolves_to for row in earlier
        )
        reason += f" Earlier: {moved}."
    token = text[namespaces:]
    r.resolved = {"name": current.resolves_to, "reason": reason}
    r.source("resolved", "table")
    for row in (current, *earlier):
        r.note("resolved", token, row)
    if r.distill is None and (current.distill_teacher or current.distill_base):
        r.distill = {"teacher": current.distill_teacher, "base": current.distill_base}
        r.source("distill", "table")
        r.note("distill", current.resolves_to, v.tags.get("distill"))
    if r.base_model is None and current.base_model is not None:
        r.base_model = current.base_model
        r.source("base_model", "table")
    if r.parameters is None and current.parameters is not None:
        found = size(current.parameters, m_is_size=True)
        if found is not None and found.get("total") is None:
            known = _known_total(r, found["label"])
            found["total"] = known[0] if known is not None else None
        r.parameters = found
        r.source("parameters", "table")
