"""Choose which file of a repository to download for a memory budget.

>>> choice = modelname.pick(repo_files, memory="24GB")
>>> choice.files, choice.mmproj
(('Qwen2.5-VL-32B-Instruct-IQ4_XS.gguf',), 'mmproj-Qwen2.5-VL-32B-Instruct-f16.gguf')
>>> for r in choice.rejected: print(r.file, "—", r.why)

The files are a repository's listing: plain names, ``(name, size)`` pairs, or dicts like the
Hub's ``siblings`` (``{"rfilename": …, "size": …}``), or a whole Hub model record.

- Files that are not models (README, config, tokenizer, imatrix, LoRA adapters) are ignored,
  each with the reason.  Split files (``-00001-of-00003``) are one model: all parts or none.
- **Quality order** of the candidates: nominal bits first (8 > 6 > 5 > 4 > 3 > 2; F32 counts as
  16, it is no better than the 16-bit original), then k-quants and i-quants before the legacy
  Q4_0/Q4_1/Q5_0/Q5_1 of the same bits (llama.cpp measures them worse per byte), then bits per
  weight — the real file size when the listing gives it, else the scheme's whole-file average —
  and last the size suffix (XL > L > M > S > XS > XXS).  imatrix and Unsloth-dynamic quants rank
  with their scheme.  This matches llama.cpp's perplexity table: Q4_0 (+0.47) beats Q3_K_L
  (+0.56), Q5_0 (+0.13) beats Q4_K_M (+0.18).
- **Headroom rule**: a file fits when its weights (the listed file size, else parameters × bits)
  + the projector + the KV cache for the context (8,192 tokens unless given) + 1 GiB overhead
  ≤ the budget.  When the model's attention shape is unknown the KV cache cannot be counted;
  the choice then says so.
- ``mmproj`` projectors are returned with the model they belong to: F16 first (the usual
  choice), then BF16, Q8_0, F32, and the model's budget includes it.
- ``prefer`` is a scheme (``Q4_K_M``: chosen when it fits, even if better ones fit too) or a
  minimum (``bits>=4``, ``bpw>=4.5``: files below it are not considered).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .memory import Figure, MemoryEstimate, combine, estimate, format_bytes, parse_memory, scheme_bits
from .model import ModelName
from .parts import Result

__all__ = ["pick", "Choice", "Rejected", "read_listing", "parse_file_size"]

_MODEL_EXTENSIONS = (".gguf", ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".llamafile")
_LEGACY = {"Q4_0", "Q4_1", "Q5_0", "Q5_1"}
_SUFFIX_RANK = {"XXS": 0, "XS": 1, "S": 2, "NL": 2.5, "M": 3, "": 3, "L": 4, "XL": 5}
_MMPROJ_ORDER = ("F16", "BF16", "Q8_0", "F32")
_SHARD = re.compile(r"[-.](?:(\d{5})-of-(\d{5})|part(\d+)of(\d+))(?=\.[a-z0-9]+$)", re.IGNORECASE)
_PREFER_MIN = re.compile(r"^\s*(bits|bpw)\s*(>=|>|<=|<|==|=)\s*(\d+(?:\.\d+)?)\s*$", re.IGNORECASE)


class _Frozen(Result):
    pass


class Rejected(_Frozen):
    """A file (or a split model, named by its first part) that was not chosen, and why."""

    file: str
    parts: int = 1
    why: str


class Choice(_Frozen):
    """The file to download for a budget, with the reasons."""

    budget: Figure
    context_length: int | None
    """Tokens of KV cache budgeted (the chosen model's; the default 8,192 when not given)."""
    prefer: str | None = None
    files: tuple[str, ...] = ()
    """The chosen model's files, all parts of a split model in order; empty when nothing fits."""
    mmproj: str | None = None
    """The multimodal projector to download with it, if the listing has one for this model."""
    scheme: str | None = None
    total_bytes: int | None = None
    """Download size of ``files`` and ``mmproj`` (when the listing gives sizes)."""
    estimate: MemoryEstimate | None = None
    """Memory the chosen files need (weights from the listed size when known)."""
    reasons: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    """Every other model file and projector, best first, with why it was not chosen."""
    ignored: tuple[Rejected, ...] = ()
    """Files that are not models (README, tokenizer, imatrix, adapters)."""

    @property
    def chosen(self) -> bool:
        return bool(self.files)


class _Entry:
    __slots__ = ("name", "size", "base", "model")

    def __init__(self, name: str, size: int | None, model: ModelName) -> None:
        self.name = name
        self.size = size
        self.base = name.rsplit("/", 1)[-1]
        self.model = model


class _Candidate:
    """One downloadable model: one file or all parts of a split file."""

    def __init__(self, entries: list[_Entry], model: ModelName) -> None:
        self.entries = entries
        self.model = model
        sizes = [e.size for e in entries]
        self.size = sum(s for s in sizes if s is not None) if all(s is not None for s in sizes) else None
        q = model.quantization
        self.scheme = q.scheme if q else None
        self.fmt = model.format.id if model.format else None

    @property
    def label(self) -> str:
        return self.entries[0].name

    @property
    def what(self) -> str:
        name = self.scheme or (self.fmt or "model")
        if len(self.entries) > 1:
            name += f" ({len(self.entries)} parts)"
        return name

    def bits(self) -> float | None:
        """Nominal bits of the scheme; 16 for an unquantized original."""
        q = self.model.quantization
        if q is not None and q.bits:
            return 16.0 if q.bits > 16 else float(q.bits)
        if q is None and self.fmt in ("safetensors", "pytorch"):
            return 16.0
        return None

    def bpw(self) -> float | None:
        total = self.model.parameters.total if self.model.parameters else None
        if self.size is not None and total:
            return self.size * 8 / total
        known = scheme_bits(self.model)
        return known[0] if known else self.bits()

    def quality(self) -> tuple[float, int, float, float, int, int]:
        bits = self.bits() or 0.0
        q = self.model.quantization
        scheme = (q.scheme if q else "").upper()
        plain = 0 if scheme in _LEGACY or scheme == "F32" or self.fmt == "pytorch" else 1
        suffix = scheme.rsplit("_", 1)[-1] if "_" in scheme else ""
        rank = _SUFFIX_RANK.get(suffix, 3)
        params = self.model.parameters.total if self.model.parameters and self.model.parameters.total else 0
        bpw = self.bpw() or 0.0
        if scheme == "F32":
            bpw = 16.0  # no better than 16 bits, and twice the size
        return (bits, plain, round(bpw, 3), rank, 1 if self.fmt != "pytorch" else 0, params)


# --------------------------------------------------------------------------- input


def parse_file_size(text: str) -> int | None:
    """A listed file size: bare integers are bytes, ``19.85 GB`` / ``18.5GiB`` have units."""
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    try:
        return parse_memory(text) if re.search(r"[a-z]", text, re.IGNORECASE) else None
    except ValueError:
        return None


def _entries(files: Any) -> tuple[list[tuple[str, int | None]], str | None]:
    repo = None
    if isinstance(files, Mapping):
        repo = files.get("id") or files.get("modelId")
        files = files.get("siblings", ())
    out: list[tuple[str, int | None]] = []
    seen: set[str] = set()
    for item in files:
        size: Any = None
        if isinstance(item, str):
            name = item
        elif isinstance(item, Mapping):
            name = item.get("rfilename") or item.get("filename") or item.get("name") or item.get("path")
            size = item.get("size")
            if size is None and isinstance(item.get("lfs"), Mapping):
                size = item["lfs"].get("size")
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            name, size = item
        else:
            raise ValueError(f"cannot read a file entry from {item!r}: give a name, (name, size) or a dict")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a file entry has no name: {item!r}")
        if isinstance(size, str):
            size = parse_file_size(size)
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise ValueError(f"the size of {name!r} is not a byte count: {size!r}")
        name = name.strip()
        if name not in seen:
            seen.add(name)
            out.append((name, size))
    return out, repo if isinstance(repo, str) else None


def read_listing(text: str) -> tuple[list[tuple[str, int | None]], str | None]:
    """File entries from a listing: JSON (a Hub record with ``siblings``, or a list) or lines of ``NAME [SIZE]``."""
    import json

    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"the listing looks like JSON but is not: {err.msg} (line {err.lineno})"
            ) from None
        if isinstance(data, Mapping) and "siblings" not in data:
            raise ValueError(
                "the JSON listing has no 'siblings' (expected a Hub model record or a list of files)"
            )
        return _entries(data)
    rows: list[tuple[str, int | None]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) == 1:
            rows.append((parts[0], None))
            continue
        if "." in parts[-1] and parse_file_size(parts[-1]) is None:
            name, size_text = parts[-1], " ".join(parts[:-1])
        else:
            name, size_text = parts[0], " ".join(parts[1:])
        size = parse_file_size(size_text)
        if size is None:
            raise ValueError(
                f"line {number}: cannot read {size_text!r} as a file size (write 19850000000 or 19.85 GB)"
            )
        rows.append((name, size))
    return _entries(rows)


def _parse_prefer(prefer: str | None) -> tuple[str | None, tuple[str, str, float] | None]:
    if prefer is None or not prefer.strip():
        return None, None
    match = _PREFER_MIN.match(prefer)
    if match:
        return None, (match.group(1).lower(), match.group(2), float(match.group(3)))
    from .tables import key, vocabulary

    row = vocabulary().file_types.get(key(prefer))
    if row is None:
        raise ValueError(
            f"prefer={prefer!r} is neither a GGUF quant scheme (Q4_K_M) nor a minimum (bits>=4, bpw>=4.5)"
        )
    return row.scheme, None


def _meets(c: _Candidate, rule: tuple[str, str, float]) -> bool:
    what, op, limit = rule
    value = c.bits() if what == "bits" else c.bpw()
    if value is None:
        return False
    return {
        ">=": value >= limit,
        ">": value > limit,
        "<=": value <= limit,
        "<": value < limit,
        "==": value == limit,
        "=": value == limit,
    }[op]


# --------------------------------------------------------------------------- the decision


def pick(
    files: Iterable[Any] | Mapping[str, Any],
    memory: int | str,
    prefer: str | None = None,
    context_length: int | None = None,
    *,
    mmproj: bool = True,
    repo: str | None = None,
) -> Choice:
    """The best file of a listing for a memory budget (see the module docstring for the rules).

    ``repo`` (or the ``id`` of a Hub record) names the model when its files have generic names
    (``model-00001-of-00004.safetensors``).  ``mmproj=False`` leaves projectors out.
    """
    budget = parse_memory(memory)
    given = memory if isinstance(memory, str) else f"{budget:,} bytes"
    budget_fig = Figure(bytes=budget, exact=True, why=f"the budget you gave ({str(given).strip()})")
    if context_length is not None and context_length <= 0:
        raise ValueError(f"context length must be positive, not {context_length}")
    want_scheme, minimum = _parse_prefer(prefer)
    rows, record_repo = _entries(files)
    models, projectors, ignored = _sort_files(rows, _repo_model(repo or record_repo))
    candidates, broken = _group(models)
    if not candidates:
        return Choice(
            budget=budget_fig,
            context_length=context_length,
            prefer=prefer,
            reasons=("the listing has no complete model file",),
            rejected=tuple(broken),
            ignored=tuple(ignored),
        )
    run = _Run(budget, context_length, want_scheme, minimum, projectors if mmproj else [], candidates)
    run.weigh()
    run.choose()
    rejected = [((-1,), r) for r in broken] + run.rejections()
    for p in projectors:
        if run.proj is None or p is not run.proj:
            why = run.projector_verdict(p, mmproj)
            if why == "a projector for another model":
                ignored.append(Rejected(file=p.name, why=why))
            else:
                rejected.append(((-2,), Rejected(file=p.name, why=why)))
    rejected.sort(key=lambda r: r[0], reverse=True)
    return run.choice(budget_fig, prefer, rejected, ignored)


def _repo_model(repo: str | None) -> ModelName | None:
    from ._parse import parse
    from .errors import InvalidModelName

    if not repo:
        return None
    try:
        return parse(repo)
    except InvalidModelName:
        return None


_IMATRIX_WHY = "an importance matrix: input for quantizing, not a model to run"


def _sort_files(
    rows: list[tuple[str, int | None]], repo_model: ModelName | None
) -> tuple[list[_Entry], list[_Entry], list[Rejected]]:
    """Model files, projectors, and the files that are neither (each with why)."""
    from ._parse import parse
    from .errors import InvalidModelName

    models: list[_Entry] = []
    projectors: list[_Entry] = []
    ignored: list[Rejected] = []
    for name, size in rows:
        base = name.rsplit("/", 1)[-1]
        lower = base.lower()
        if lower in ("imatrix.dat", "imatrix.gguf") or lower.endswith(
            (".imatrix", ".imatrix.dat", ".imatrix.gguf")
        ):
            ignored.append(Rejected(file=name, why=_IMATRIX_WHY))
            continue
        if not lower.endswith(_MODEL_EXTENSIONS):
            ignored.append(Rejected(file=name, why="not a model file"))
            continue
        try:
            m = parse(base)
        except InvalidModelName as err:
            ignored.append(Rejected(file=name, why=f"the name cannot be read: {err.reason}"))
            continue
        if m.role == "imatrix":
            ignored.append(Rejected(file=name, why=_IMATRIX_WHY))
        elif m.role == "lora":
            ignored.append(Rejected(file=name, why="a LoRA adapter: it needs its base model"))
        elif m.role == "mmproj":
            projectors.append(_Entry(name, size, m))
        else:
            if repo_model is not None and m.family is None and m.parameters is None:
                m = _with_repo(m, repo_model)
            models.append(_Entry(name, size, m))
    return models, projectors, ignored


class _Run:
    """One choice: the candidates best first, what each needs, and the one chosen."""

    def __init__(
        self,
        budget: int,
        context_length: int | None,
        want_scheme: str | None,
        minimum: tuple[str, str, float] | None,
        projectors: list[_Entry],
        candidates: list[_Candidate],
    ) -> None:
        self.budget, self.context_length = budget, context_length
        self.want_scheme, self.minimum, self.projectors = want_scheme, minimum, projectors
        self.several = len({_identity(c.model) for c in candidates}) > 1
        self.ranked = sorted(candidates, key=lambda c: c.quality(), reverse=True)
        self.rank = {id(c): i for i, c in enumerate(self.ranked)}
        self.fitting: list[tuple[_Candidate, MemoryEstimate, _Entry | None]] = []
        self.verdicts: dict[int, str] = {}
        self.reasons: list[str] = []
        if self.several:
            self.reasons.append(
                f"the listing holds {len({_identity(c.model) for c in candidates})} different models; they are "
                "compared by quantization quality, the larger model winning ties"
            )
        self.chosen: _Candidate | None = None
        self.est: MemoryEstimate | None = None
        self.proj: _Entry | None = None

    def weigh(self) -> None:
        """Which candidates meet the minimum and fit (with their best projector), and why not."""
        for c in self.ranked:
            if self.minimum is not None and not _meets(c, self.minimum):
                what, op, limit = self.minimum
                value = c.bits() if what == "bits" else c.bpw()
                shown = "unknown" if value is None else f"{value:g}"
                self.verdicts[id(c)] = f"below your minimum {what}{op}{limit:g} ({what} {shown})"
                continue
            est, proj, why = _fit(c, self.projectors, self.several, self.budget, self.context_length)
            if est is None:
                self.verdicts[id(c)] = why
            else:
                self.fitting.append((c, est, proj))

    def choose(self) -> None:
        """The preferred scheme when it fits, else the best that fits; the reasons either way."""
        if self.want_scheme is not None:
            self._choose_preferred(self.want_scheme)
        if self.chosen is None and self.fitting:
            self.chosen, self.est, self.proj = self.fitting[0]
            self.reasons.append(f"chose {self.chosen.what}: the highest-quality quant that fits")
        if self.chosen is not None and self.est is not None:
            self._say_what_it_needs(self.est)
        elif not self.fitting:
            self._say_nothing_fits()

    def _choose_preferred(self, scheme: str) -> None:
        preferred = [f for f in self.fitting if (f[0].scheme or "").upper() == scheme]
        present = [c for c in self.ranked if (c.scheme or "").upper() == scheme]
        if preferred:
            self.chosen, self.est, self.proj = preferred[0]
            better = [f[0] for f in self.fitting if self.rank[id(f[0])] < self.rank[id(self.chosen)]]
            self.reasons.append(f"chose {scheme} because you preferred it")
            if better:
                self.reasons.append(f"{better[0].what} would also fit and is higher quality")
        elif present:
            self.reasons.append(
                f"{scheme} (preferred): {self.verdicts.get(id(present[0]), 'not considered')}"
            )
        else:
            self.reasons.append(f"the listing has no {scheme} file (preferred)")

    def _say_what_it_needs(self, est: MemoryEstimate) -> None:
        self.reasons.append(_needs(est, self.budget))
        if est.kv_cache.bytes is None:
            self.reasons.append(
                "the KV cache is not counted: this model's attention shape is unknown (not in the table of "
                "well-known models); keep some memory free for it"
            )
        if est.projector is not None and est.projector.bytes is None:
            self.reasons.append("the projector is not counted: the listing does not give its size")
        if self.proj is not None:
            self.reasons.append(f"with the projector {self.proj.name} for images")

    def _say_nothing_fits(self) -> None:
        verdicts = self.verdicts
        smallest = min(
            (c for c in self.ranked if id(c) not in verdicts or not verdicts[id(c)].startswith("below")),
            key=lambda c: (c.size if c.size is not None else _weights_guess(c)) or 0,
            default=None,
        )
        self.reasons.append(f"nothing fits in {format_bytes(self.budget)}")
        if smallest is not None:
            self.reasons.append(
                f"the smallest, {smallest.what}, {verdicts.get(id(smallest), '')}".rstrip(", ")
            )
        self.reasons.append(
            "a smaller model, a shorter context, or offloading part of the model to system memory would be needed"
        )

    def rejections(self) -> list[tuple[tuple[Any, ...], Rejected]]:
        """Every candidate not chosen, with why."""
        out = []
        for c in self.ranked:
            if c is self.chosen:
                continue
            if id(c) in self.verdicts:
                why = self.verdicts[id(c)]
            elif self.chosen is not None and self.rank[id(c)] < self.rank[id(self.chosen)]:
                why = f"fits, but you preferred {self.want_scheme}"
            else:
                why = f"fits, but {self.chosen.what} is higher quality" if self.chosen else "fits"
            out.append((c.quality(), Rejected(file=c.label, parts=len(c.entries), why=why)))
        return out

    def projector_verdict(self, p: _Entry, wanted: bool) -> str:
        """Why a projector was not taken."""
        if not wanted:
            return "projectors were not wanted"
        if self.chosen is None:
            return "no model was chosen"
        if not _belongs(p, self.chosen.model, self.several):
            return "a projector for another model"
        if self.proj is not None:
            q = self.proj.model.quantization
            return f"{q.scheme if q else 'another'} projector chosen instead"
        return "does not fit together with the model"

    def choice(
        self, budget: Figure, prefer: str | None, rejected: list[Any], ignored: list[Rejected]
    ) -> Choice:
        chosen, est, proj = self.chosen, self.est, self.proj
        total_bytes = None
        if chosen is not None:
            sizes = [chosen.size] + ([proj.size] if proj else [])
            total_bytes = sum(sizes) if all(s is not None for s in sizes) else None  # type: ignore[misc]
        return Choice(
            budget=budget,
            context_length=est.context_length if est and est.context_length else self.context_length,
            prefer=prefer,
            files=tuple(e.name for e in chosen.entries) if chosen else (),
            mmproj=proj.name if proj else None,
            scheme=chosen.scheme if chosen else None,
            total_bytes=total_bytes,
            estimate=est,
            reasons=tuple(self.reasons),
            rejected=tuple(r for _, r in rejected),
            ignored=tuple(ignored),
        )


def _with_repo(m: ModelName, repo_model: ModelName) -> ModelName:
    """A generic file name (model-00001-of-00004.safetensors) read as the repository's model."""
    data = repo_model.model_dump()
    for key in ("explanations", "canonical"):
        data.pop(key, None)
    data.update(name=m.name, kind=m.kind, format=m.format, shard=m.shard, role=m.role)
    if m.quantization is not None:
        data["quantization"] = m.quantization
    return ModelName.model_validate(data)


def _group(entries: list[_Entry]) -> tuple[list[_Candidate], list[Rejected]]:
    groups: dict[tuple[str, str], list[_Entry]] = {}
    for e in entries:
        folder = e.name.rsplit("/", 1)[0] if "/" in e.name else ""
        stem = _SHARD.sub("", e.base) if e.model.shard else e.base
        groups.setdefault((folder, stem.lower()), []).append(e)
    out: list[_Candidate] = []
    broken: list[Rejected] = []
    for group in groups.values():
        shards = [e for e in group if e.model.shard]
        if not shards:
            out.extend(_Candidate([e], e.model) for e in group)
            continue
        totals = {e.model.shard.total for e in shards if e.model.shard}
        indexes = sorted({e.model.shard.index for e in shards if e.model.shard})
        total = max(totals)
        if len(totals) > 1 or indexes != list(range(1, total + 1)) or len(shards) != total:
            missing = [str(i) for i in range(1, total + 1) if i not in indexes]
            why = (
                f"incomplete split model: part {', '.join(missing)} of {total} missing"
                if missing
                else ("inconsistent split: the parts disagree on how many there are")
            )
            broken.append(Rejected(file=min(e.name for e in shards), parts=len(shards), why=why))
            continue
        ordered = sorted(shards, key=lambda e: e.model.shard.index if e.model.shard else 0)
        out.append(_Candidate(ordered, ordered[0].model))
    return out, broken


def _identity(m: ModelName) -> tuple[Any, ...]:
    return (m.family, m.version, m.variant, m.parameters.label if m.parameters else None, m.functions)


def _belongs(p: _Entry, m: ModelName, several: bool) -> bool:
    if not several:
        return True
    pm = p.model
    size = pm.parameters.label if pm.parameters else None
    return pm.family == m.family and (
        size is None or (m.parameters is not None and size == m.parameters.label)
    )


def _projector_order(p: _Entry) -> tuple[int, int]:
    scheme = p.model.quantization.scheme.upper() if p.model.quantization else ""
    rank = _MMPROJ_ORDER.index(scheme) if scheme in _MMPROJ_ORDER else len(_MMPROJ_ORDER)
    return rank, -(p.size or 0)


def _weights_guess(c: _Candidate) -> int | None:
    return estimate(c.model).weights.bytes


def _estimate(c: _Candidate, proj: _Entry | None, context_length: int | None) -> MemoryEstimate:
    base = estimate(c.model, context_length)
    weights = base.weights
    if c.size is not None:
        parts = f" ({len(c.entries)} parts)" if len(c.entries) > 1 else ""
        weights = Figure(
            bytes=c.size,
            exact=False,
            why=f"the listed file size{parts}: a GGUF file's tensors load as stored, so file size ≈ weight memory",
        )
    projector = None
    if proj is not None:
        projector = Figure(
            bytes=proj.size,
            exact=False,
            why=f"{proj.base}, the listed file size"
            if proj.size is not None
            else f"{proj.base}: size not listed",
        )
    return combine(
        base.name,
        weights,
        base.kv_cache,
        parameters=base.parameters,
        active_parameters=base.active_parameters,
        bits_per_weight=round(c.size * 8 / base.parameters, 4)
        if c.size and base.parameters
        else base.bits_per_weight,
        architecture=base.architecture,
        context_length=base.context_length,
        kv_bytes_per_token=base.kv_bytes_per_token,
        notes=base.notes,
        projector=projector,
    )


def _fit(
    c: _Candidate, projectors: list[_Entry], several: bool, budget: int, context_length: int | None
) -> tuple[MemoryEstimate | None, _Entry | None, str]:
    """The estimate with the best projector that fits, or None and why the candidate does not fit."""
    mine = sorted((p for p in projectors if _belongs(p, c.model, several)), key=_projector_order)
    options: list[_Entry | None] = list(mine) if mine else [None]
    last: MemoryEstimate | None = None
    for proj in options:
        est = _estimate(c, proj, context_length)
        last = est
        if est.weights.bytes is None:
            return None, None, f"cannot tell its size: {est.weights.why}"
        need = est.total.bytes or 0
        if need <= budget:
            return est, proj, ""
    assert last is not None
    return None, None, f"does not fit: needs {_gb(last.total.bytes or 0)} ({_parts(last)}) > {_gb(budget)}"


def _gb(n: int) -> str:
    return f"{n / 1e9:,.2f} GB"


def _parts(est: MemoryEstimate) -> str:
    """``19.85 GB weights + 1.38 GB projector + 2.15 GB KV cache for 8,192 tokens + 1.07 GB overhead``."""
    parts = [f"{_gb(est.weights.bytes or 0)} weights"]
    if est.projector is not None and est.projector.bytes is not None:
        parts.append(f"{_gb(est.projector.bytes)} projector")
    if est.kv_cache.bytes is not None:
        parts.append(f"{_gb(est.kv_cache.bytes)} KV cache for {est.context_length:,} tokens")
    parts.append(f"{_gb(est.overhead.bytes or 0)} overhead")
    return " + ".join(parts)


def _needs(est: MemoryEstimate, budget: int) -> str:
    total = est.total.bytes or 0
    return (
        f"needs {format_bytes(total)} = {_parts(est)}, "
        f"leaving {_gb(budget - total)} of {format_bytes(budget)}"
    )
