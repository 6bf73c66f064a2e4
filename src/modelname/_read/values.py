"""Shapes to values: pure functions from a token's text to what it means.

Nothing here looks at the rest of the name or at the tables (except through the arguments); the
stages decide where a value goes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

__all__ = [
    "size",
    "context_tokens",
    "plausible_context",
    "version_text",
    "valid_date",
    "month_number",
    "is_month_word",
    "display",
    "is_region",
    "is_resolution",
    "is_token_context",
    "is_not_a_date",
    "number_text",
    "is_locale",
]

_SCALE = {"k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORDS = frozenset(
    (
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
    )
)
# 512, 1024 … and video heights: image sizes and lengths, never MMDD dates
_NOT_DATES = frozenset({"1024", "0512", "0256", "0128", "0064", "1080", "0720", "0480"})
_REGION = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-\d$")  # us-east-1, eu-central-1, us-gov-west-1
_RESOLUTION = re.compile(r"^\d{3,5}-?x-?\d{3,5}$")  # 1024-x-1024
_SIZE = re.compile(
    r"^(?:(?P<experts>\d+)x)?(?P<n>\d+(?:[._]\d+)?)(?P<u>[BbMmTt])"
    r"(?:[-_]?[Aa](?P<active>\d+(?:[._]\d+)?)(?P<au>[BbMm]))?(?:-(?P<e2>\d+)[Ee])?(?:x(?P<times>\d+))?$"
)
_ACTIVE_OR_EFFECTIVE = re.compile(r"([AaEe])(\d+(?:[._]\d+)?)[Bb]")
_GLUED_DECIMAL = re.compile(r"(\d+)[Bb](\d)")


def number_text(x: float | str) -> str:
    """A number as a label shows it, exactly and never in exponent form: ``7.0`` → ``7``,
    ``1.50`` → ``1.5``, ``0_5`` → ``0.5``, ``12345.6789`` → ``12345.6789``."""
    text = format(Decimal(str(x).replace("_", ".")).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _count(number: str, unit: str) -> int:
    return int(round(float(number.replace("_", ".")) * _SCALE[unit.lower()]))


def _label_number(number: str) -> str:
    return number_text(number)


def _params(
    label: str,
    total: int | None = None,
    active: int | None = None,
    experts: int | None = None,
    effective: int | None = None,
) -> dict[str, Any]:
    return {"label": label, "total": total, "active": active, "experts": experts, "effective": effective}


def size(text: str, m_is_size: bool = False) -> dict[str, Any] | None:
    """A SIZE token as parameters ``{label, total, active, experts, effective}``.

    ``7B`` → 7e9; ``30B-A3B`` → total 30e9, active 3e9; ``8x7B`` → 8 experts (total unknown);
    ``10.7Bx4`` → 4 experts; ``17B-16E`` → 17e9 active, 16 experts; ``A3B`` → active; ``E4B`` →
    Gemma's effective parameters; ``7b1`` → 7.1B (BLOOM).  A small M figure (``1m``, ``4M``) is a
    context length, returned as ``{context: tokens}``, unless ``m_is_size``.
    """
    m = _ACTIVE_OR_EFFECTIVE.fullmatch(text)
    if m:
        count = _count(m.group(2), "b")
        label = f"{m.group(1).upper()}{_label_number(m.group(2))}B"
        if m.group(1) in "Aa":
            return _params(label, active=count)
        return _params(label, effective=count)
    m = _GLUED_DECIMAL.fullmatch(text)
    if m:  # bloom-7b1 = 7.1B
        number = f"{m.group(1)}.{m.group(2)}"
        return _params(f"{number}B", total=_count(number, "b"))
    m = _SIZE.match(text)
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
    number, unit_up = _label_number(n), unit.upper()
    if m.group("experts"):
        experts = int(m.group("experts"))
        return _params(f"{experts}x{number}{unit_up}", experts=experts)
    if m.group("times"):  # 10.7Bx4: four experts of 10.7B
        times = int(m.group("times"))
        return _params(f"{times}x{number}{unit_up}", experts=times)
    if m.group("e2") is not None:  # 17B-16E: 17B active, 16 experts
        e2 = int(m.group("e2"))
        return _params(f"{number}{unit_up}-{e2}E", active=_count(n, unit), experts=e2)
    active = m.group("active")
    if active is not None:
        au = m.group("au").upper()
        label = f"{number}{unit_up}-A{_label_number(active)}{au}"
        return _params(label, total=_count(n, unit), active=_count(active, au))
    return _params(f"{number}{unit_up}", total=_count(n, unit))


def plausible_context(k: float) -> bool:
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


def is_token_context(digits: str) -> bool:
    """A context written in tokens: a power of two from 2048 to 262144 (llama3-70b-8192)."""
    n = int(digits)
    return 2048 <= n <= 262144 and n & (n - 1) == 0 and not digits.startswith("0")


def is_not_a_date(digits: str) -> bool:
    """Four digits that are an image size or a video height, never an MMDD date."""
    return digits in _NOT_DATES


def version_text(text: str) -> str:
    """``2_5`` → ``2.5``, ``3p1`` → ``3.1``, ``v0.2`` → ``0.2``, ``v.01`` → ``0.1``."""
    out = text
    if out[:1] in "vV":
        out = out[1:]
        if out.startswith("."):  # v.01: a dropped leading zero, read as 0.1
            out = out[1:]
            if out.startswith("0") and out[1:].isdigit() and len(out) > 1:
                out = "0." + out[1:]
    out = out.replace("_", ".")
    return re.sub(r"(?<=\d)p(?=\d)", ".", out)


def valid_date(digits: str, fmt: str) -> bool:
    """Whether ``digits`` is a plausible date in ``fmt`` (``yymmdd``, ``yymm`` or ``mmdd``)."""
    if fmt == "yymmdd":
        yy, mm, dd = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        return 22 <= yy <= 39 and 1 <= mm <= 12 and 1 <= dd <= 31
    if fmt == "yymm":
        yy, mm = int(digits[:2]), int(digits[2:])
        return 18 <= yy <= 39 and 1 <= mm <= 12
    mm, dd = int(digits[:2]), int(digits[2:])
    return 1 <= mm <= 12 and 1 <= dd <= 31


def is_month_word(word: str) -> bool:
    """``sep``, ``sept``, ``september`` (lower-case)."""
    return word[:3] in _MONTHS and word in _MONTH_WORDS


def month_number(word: str) -> int:
    return _MONTHS.index(word[:3].lower()) + 1


def display(word: str) -> str:
    """A community family name as shown: ``samantha`` → ``Samantha``, ``MythoMax`` stays."""
    return word[:1].upper() + word[1:] if word.islower() else word


def is_region(word: str, regions: frozenset[str]) -> bool:
    """A cloud region: a region word of the providers table, or the shape ``us-east-1``."""
    return word in regions or _REGION.match(word) is not None


_LANGUAGE = re.compile(r"[a-z]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def is_locale(language: str, country: str, known: Any) -> bool:
    """``en_US``, ``it-IT``: two lower-case letters, then two capitals.  When the capitals are also
    a word ``known`` holds (``it-UD``: Instruct, Unsloth Dynamic), they are that word — unless they
    repeat the language's letters, as a country's own language does (``it-IT``, ``pt_PT``)."""
    if not (_LANGUAGE.fullmatch(language) and _COUNTRY.fullmatch(country)):
        return False
    return country.lower() not in known or country.lower() == language


def is_resolution(word: str) -> bool:
    """An image size in a provider path (``1024-x-1024``)."""
    return _RESOLUTION.match(word) is not None
