"""Plain-language explanations of a parsed name, in English and Chinese.

Sentences for table knowledge come from the tables' ``en``/``zh`` texts; values read from a
shape (sizes, dates, versions …) get a sentence built here.  Guesses (a value placed by position
only) say so.  The explanations are built from the result alone: from the reading's evidence
(``ModelName.evidence``: which token, which table row) for the fields that still hold what was
read, and from the field values for the rest (a result loaded from JSON, or changed since).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _weights as memory
from ._read.state import Note
from .parts import Explanation, trusted
from .tables import key, vocabulary

if TYPE_CHECKING:
    from .model import ModelName

__all__ = ["explanations", "FIELD_LABELS", "GUESS_EN", "hardware_class", "kind_text"]

# Every explanation of a value placed by position alone ends with this (render marks it as a guess).
GUESS_EN = "a guess from its position"
GUESS_ZH = "按位置猜测"

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "kind": ("kind", "名称类型"),
    "provider": ("provider", "服务商"),
    "organization": ("published by", "发布者"),
    "vendor": ("maker", "厂商"),
    "family": ("family", "模型系列"),
    "version": ("version", "版本"),
    "variant": ("variant", "档次"),
    "parameters": ("parameters", "参数量"),
    "context_length": ("context", "上下文长度"),
    "date": ("date", "日期"),
    "distill": ("distilled", "蒸馏"),
    "base_model": ("built on", "基座模型"),
    "functions": ("functions", "功能"),
    "category": ("category", "类别"),
    "finetune": ("fine-tune", "微调/版本名"),
    "training": ("training", "训练方式"),
    "attributes": ("property", "属性"),
    "quantization": ("quantization", "量化"),
    "format": ("format", "文件格式"),
    "role": ("file role", "文件角色"),
    "shard": ("shard", "分片"),
    "resolved": ("really is", "实际模型"),
    "checkpoint": ("checkpoint", "原始模型"),
    "warnings": ("warning", "注意"),
    "filler": ("note", "说明"),
    "size": ("for you", "对你意味着"),
    "unrecognized": ("unrecognized", "未识别"),
}


def kind_text(kind: str) -> tuple[str, str]:
    """What a name of this kind is (kinds.toml), in English and Chinese."""
    row = vocabulary().kinds[kind]
    return row.en, row.zh


def explanations(m: ModelName) -> tuple[Explanation, ...]:
    """One sentence per recognized part (kind first, unrecognized words last), EN and ZH."""
    ev = m._evidence
    if ev is not None and ev.explained and not ev.changed(m):
        return ev.explained  # loaded from JSON and unchanged: the sentences it came with
    v = vocabulary()
    out: list[Explanation] = []
    seen: set[tuple[str, str, str]] = set()

    def add(field: str, token: str, en: str, zh: str) -> None:
        if (field, token, en) in seen or not en:
            return
        seen.add((field, token, en))
        out.append(trusted(Explanation, {"field": field, "token": token, "en": en, "zh": zh}))

    add("kind", m.name, *kind_text(m.kind))
    notes = _notes(m)
    if m.distill is not None and not any(n.field == "distill" for n in notes):
        notes += _distill_notes(m)  # a distill the name shows by its shape (R1-0528-Qwen3), not by a word
    for note in notes:
        if note.field in _DATA_FIELDS and not getattr(m, note.field):
            continue  # a reading a later stage undid (Claude read as a base, then found to be the teacher)
        if (
            note.field == "format"
            and m.format is not None
            and getattr(note.row, "id", m.format.id) != m.format.id
        ):
            continue  # an extension another word overruled (the .bin of a ggmlv3 file is no pickle)
        text = _note_text(note, m)
        if text is not None:
            add(note.field, note.token, *text)
    category = v.categories.get(m.category or "")
    if category is not None:
        add("category", category.id, f"Kind of model: {category.en}.", f"模型类别：{category.zh}。")
    size = _size_text(m)
    if size is not None:
        add("size", size[0], size[1], size[2])
    out.sort(key=lambda e: _RANK.get(e.field, len(_RANK)))
    if m.unrecognized:
        words = ", ".join(m.unrecognized)
        add(
            "unrecognized",
            words,
            f"Not recognized: {words} — the tables do not know these words and their position does not say what they are.",
            f"未识别：{words}——词表中没有这些词，位置也无法说明它们的含义。",
        )
    return tuple(out)


def _notes(m: ModelName) -> list[Note]:
    """The reading's evidence for the fields that hold what was read, and notes made from the
    values of the fields that do not (a result loaded from JSON and changed, or built by hand)."""
    ev = m._evidence
    if ev is None or not ev.notes:
        return _data_notes(m, _DATA_FIELDS)
    changed = ev.changed(m)
    return list(m.evidence) + _data_notes(m, [f for f in _DATA_FIELDS if f in changed])


_RANK = {
    name: i
    for i, name in enumerate(
        (
            "kind",
            "provider",
            "organization",
            "family",
            "vendor",
            "version",
            "variant",
            "parameters",
            "context_length",
            "date",
            "functions",
            "category",
            "distill",
            "base_model",
            "finetune",
            "training",
            "attributes",
            "quantization",
            "format",
            "role",
            "shard",
            "resolved",
            "checkpoint",
            "filler",
            "size",
            "warnings",
        )
    )
}


Text = tuple[str, str] | None


def _note_text(note: Note, m: ModelName) -> Text:
    """The sentence for one note: the field's own rule (:data:`_TEXTS`), else the row's text."""
    rule = _TEXTS.get(note.field)
    if rule is not None:
        return rule(note.token, note.info or {}, note.row, m)
    return _row_text(note.row)


def _gap(latin_or_chinese: str) -> str:
    """The space Chinese text puts after a Latin word (``Meta 的``) and not after a Chinese one (``阿里巴巴的``)."""
    return "" if latin_or_chinese[-1:] >= "\u2e80" else " "


def _row_text(row: Any) -> Text:
    return (row.en, row.zh) if row is not None and getattr(row, "en", None) else None


def _version_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if row is not None and row.en:
        return (row.en, row.zh)  # the family table's note on this version (DeepSeek R1)
    v = info.get("version", token)
    released = m.checkpoint.released if m.checkpoint is not None else None
    if released and m.family:  # no note on this version: say only what is known about it
        return (
            f"{m.family} {v}, first released {released}.",
            f"{m.family} 版本 {v}，首次发布于 {released}。",
        )
    return None  # the summary line shows the version; a sentence repeating it would say nothing


def _context_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    tokens = info.get("tokens")
    return (
        f"{token} = a context window of {tokens:,} tokens (how much text it can read at once); longer context needs more memory.",
        f"{token} = 上下文窗口 {tokens:,} 个词元（一次能读入的文本量）；上下文越长，占用内存越多。",
    )


def _checkpoint_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    cp = m.checkpoint
    if cp is None:
        return None
    facts_en, facts_zh = [], []
    if cp.total:
        exact = "counted" if cp.total_exact else "from its card"
        facts_en.append(f"{cp.total:,} parameters ({exact})")
        facts_zh.append(
            f"{cp.total:,} 个参数（{'逐一统计的精确数' if cp.total_exact else '模型卡给出的数'}）"
        )
    if cp.active:
        facts_en.append(f"{cp.active:,} active per token")
        facts_zh.append(f"每个词元激活 {cp.active:,} 个")
    if cp.context_length:
        facts_en.append(f"a native context of {cp.context_length:,} tokens")
        facts_zh.append(f"原生上下文 {cp.context_length:,} 个词元")
    if cp.released:
        facts_en.append(f"released {cp.released}")
        facts_zh.append(f"发布于 {cp.released}")
    label = m.parameters.label if m.parameters else None
    rounded_en = (
        f" The {label} in the name is rounded; sizes here use the true count." if label and cp.total else ""
    )
    rounded_zh = f"名称中的 {label} 是约数，这里的大小按真实参数量计算。" if label and cp.total else ""
    if info.get("how") == "base":
        head_en = f"Built on {cp.id} ({info.get('base')}), which has "
        head_zh = f"基于 {cp.id}（{info.get('base')}），该模型有 "
    else:
        head_en, head_zh = f"Published checkpoint {cp.id}: ", f"对应已发布的模型 {cp.id}："
    return (
        head_en + ", ".join(facts_en) + "." + rounded_en,
        head_zh + "，".join(facts_zh) + "。" + rounded_zh,
    )


def _attribute_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if row is None:
        return None
    value = info.get("value", token)
    return (row.en.format(text=token, value=value), row.zh.format(text=token, value=value))


def _warning_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    return (info["en"], info["zh"]) if "en" in info else None


def _shard_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    i, n = info.get("index"), info.get("total")
    return (
        f"Part {i} of {n}: the model is split into {n} files; download all of them and load the first.",
        f"第 {i} 部分，共 {n} 部分：模型被拆成 {n} 个文件，需全部下载，加载时指定第一个。",
    )


def _family_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if row is not None:
        return _row_text(row)
    return (
        f"{token}: not a family the tables know; read as this model's own name because it leads the name ({GUESS_EN}).",
        f"{token}：词表中没有这个系列；因为位于名称开头，推断为该模型自己的名字（{GUESS_ZH}）。",
    )


def _finetune_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if row is not None:
        return _row_text(row)
    if info.get("tokens"):
        return (
            f"{token}: probably the number of training tokens ({info['tokens']:,}), not the model size.",
            f"{token}：可能是训练所用的词元数（{info['tokens']:,}），而不是模型大小。",
        )
    if info.get("version"):
        return (
            f"{token}: version of this fine-tune (the base model's version came earlier).",
            f"{token}：该微调版本自己的版本号（基座模型的版本在前面）。",
        )
    return (
        f"{token}: a name word of this fine-tune, merge or edition (not in the tables; {GUESS_EN}).",
        f"{token}：该微调、合并或版本的名字（词表中没有，{GUESS_ZH}）。",
    )


def _organization_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if row is None:
        return (
            f"{token}: the Hub account that published it — not necessarily who made the model.",
            f"{token}：发布它的 Hub 账号——不一定是模型的原作者。",
        )
    if info.get("uploader"):
        return (
            f"{token} re-uploads models made by others: {row.en}",
            f"{token} 转传他人制作的模型：{row.zh}",
        )
    orgs = getattr(row, "orgs", ())
    if m.kind == "hf_repo" and orgs and key(token) != key(orgs[0]):  # a vendor's other Hub account
        zh_name = row.zh_name or row.name
        return (
            f"{token}: one of {row.name}'s Hub accounts. {row.name}: {row.en}",
            f"{token}：{zh_name}{_gap(zh_name)}的 Hub 账号之一。{zh_name}：{row.zh}",
        )
    return _row_text(row)


def _vendor_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if (
        row is not None
        and info.get("via") == "family"
        and m.family is not None
        and token == m.family != row.name
    ):
        return None  # the vendor was already explained where the name spells it, or with the family
    return _row_text(row)


def _base_model_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    if row is None:
        return None
    v = info.get("version")
    label = f"{row.name} {v}" if v else row.name
    if m.distill and label in (m.distill.base, m.distill.teacher):
        return None
    return (f"Built on {label}: {row.en}", f"基于 {label}：{row.zh}")


def _distill_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    d = m.distill
    if d is not None and d.teacher and d.base:
        return (
            f"Distilled: a {d.base} model trained on the outputs of {d.teacher} (the teacher), to copy its abilities at a smaller size — it is not {d.teacher} itself.",
            f"蒸馏：用 {d.teacher}（教师模型）的输出训练出的 {d.base} 模型，以较小体积学习其能力——它并不是 {d.teacher} 本身。",
        )
    return _row_text(row)


def _quantization_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    q = m.quantization
    if (
        q is not None
        and row is not None
        and (getattr(row, "bits", 0) or 0) >= 16
        and key(token) != key(q.scheme)
    ):
        return (  # goliath-fp16.Q2_K: the 16-bit word is the source's precision, the quant wins
            f"{token}: the precision of the weights this file was converted from; the file itself is {q.scheme}.",
            f"{token}：转换前原始权重的精度；这个文件本身是 {q.scheme}。",
        )
    if row is not None:
        return _row_text(row)
    from .terms import loose_code

    loose = loose_code(token)  # Q4: the bits without the scheme
    if loose is not None:
        return loose.en, loose.zh
    b = info.get("bits", m.quantization.bits if m.quantization is not None else None)
    if b is not None:
        return (f"{token}: {b:g}-bit quantization.", f"{token}：{b:g} 位量化。")
    return None


def _date_note_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    return _date_text(token, info.get("date", token), m)


def _parameters_note_text(token: str, info: dict[str, Any], row: Any, m: ModelName) -> Text:
    return _parameters_text(token, info, row)


def _parameters_text(token: str, info: dict[str, Any], row: dict[str, Any] | None) -> tuple[str, str] | None:
    if info.get("repeated"):
        return None
    if info.get("known_total") is not None:
        t = info["known_total"]
        return (
            f"{token} does not state the total: the {row.name if row else 'family'} tables give {_billions(t)} parameters in all.",
            f"{token} 并未写出总参数量：据系列资料共 {_yi(t)}参数。",
        )
    if row is not None and getattr(row, "en", None):  # a MoE marker word
        return (row.en, row.zh)
    label = info.get("label", token)
    total, active, experts, effective = (info.get(k) for k in ("total", "active", "experts", "effective"))
    if effective:
        return (
            f"{label}: about {_billions(effective)} effective parameters (Gemma's E-series); the file holds more, because of per-layer embeddings that can stay off the GPU.",
            f"{label}：约 {_yi(effective)}有效参数（Gemma E 系列）；文件中参数更多，因为逐层嵌入可以不放在 GPU 上。",
        )
    if experts and active:
        return (
            f"{label}: a mixture-of-experts model with {experts} experts, about {_billions(active)} parameters active per token; all experts must fit in memory.",
            f"{label}：混合专家模型，共 {experts} 个专家，每个词元激活约 {_yi(active)}参数；全部专家都要放进内存。",
        )
    if experts:
        return (
            f"{label}: a mixture of {experts} experts; the total is less than {experts} × the expert size because attention and embeddings are shared.",
            f"{label}：由 {experts} 个专家组成的混合专家模型；共享注意力和嵌入层，所以总参数少于 {experts} 乘以单个专家大小。",
        )
    if total and active:
        return (
            f"{label}: a mixture-of-experts model with about {_billions(total)} parameters in all, of which about {_billions(active)} are active for each token — memory depends on the total, speed on the active part.",
            f"{label}：混合专家模型，共约 {_yi(total)}参数，每个词元只激活约 {_yi(active)}——内存取决于总量，速度取决于激活部分。",
        )
    if active:
        return (
            f"{label}: about {_billions(active)} parameters active per token (a mixture-of-experts model; the total is larger).",
            f"{label}：每个词元激活约 {_yi(active)}参数（混合专家模型，总参数更多）。",
        )
    if total:
        return (
            f"{label} = about {_billions(total)} parameters (learned weights); more parameters usually means a more capable but heavier model.",
            f"{label} = 约 {_yi(total)}个参数（学到的权重）；参数越多通常能力越强，但也越占资源。",
        )
    return None


def _date_text(token: str, value: str, m: ModelName) -> tuple[str, str]:
    if len(value) == 10:
        return (f"Snapshot date {value}.", f"快照日期 {value}。")
    if len(value) == 7 and value[4] == "-":
        return (
            f"{token} = {value} (year and month of the release: YYMM).",
            f"{token} = {value}（发布年月，YYMM 格式）。",
        )
    if len(value) == 4 and value.isdigit():
        return (
            f"{token} = month {value[:2]}, day {value[2:]} of the release (MMDD; the year is not in the name).",
            f"{token} = 发布于 {value[:2]} 月 {value[2:]} 日（MMDD 格式，名称中没有年份）。",
        )
    return (f"Date {value}.", f"日期 {value}。")


def _billions(n: int) -> str:
    if n >= 10**12:
        return f"{n / 1e12:g} trillion"
    if n >= 10**9:
        return f"{n / 1e9:g} billion"
    return f"{n / 1e6:g} million"


def _yi(n: int) -> str:
    """A count in Chinese units: 70 亿, 4670 亿, 1.35 亿, 1.2 万亿."""
    if n >= 10**12:
        return f"{n / 1e12:g} 万亿"
    if n >= 10**8:
        return f"{n / 1e8:g} 亿"
    return f"{n / 1e4:g} 万"


# --------------------------------------------------------------------------
# What it means for you: weight size and the hardware class it suits
# --------------------------------------------------------------------------


def hardware_class(gb: float) -> tuple[str, str]:
    if gb <= 2.5:
        return ("phones, small devices and any laptop", "手机、小型设备和任何笔记本电脑")
    if gb <= 10:
        return (
            "one consumer GPU (8–12 GB) or a laptop with 16 GB of memory",
            "一张消费级显卡（8–12 GB）或 16 GB 内存的笔记本电脑",
        )
    if gb <= 22:
        return ("a 24 GB GPU or a Mac with 32 GB of memory", "一张 24 GB 显卡或 32 GB 内存的 Mac")
    if gb <= 48:
        return (
            "a 48 GB GPU, two 24 GB GPUs or a Mac with 64 GB",
            "一张 48 GB 显卡、两张 24 GB 显卡或 64 GB 内存的 Mac",
        )
    if gb <= 90:
        return ("an 80–96 GB data-centre GPU or several GPUs", "一张 80–96 GB 数据中心显卡或多张显卡")
    return ("a multi-GPU server", "多卡服务器")


def _size_text(m: ModelName) -> tuple[str, str, str] | None:
    """The weight size and the hardware it suits, from the one estimator (:mod:`modelname.memory`)."""
    w = memory.weights(m)
    label = w.label or (m.parameters.label if m.parameters else "")
    if m.checkpoint is not None and m.checkpoint.total:
        label = f"{m.checkpoint.total / 1e9:,.2f}B"  # the true count (the checkpoint's sentence says whose)
    moe = bool(w.active or (m.parameters and m.parameters.experts))
    moe_en = " (all experts count: every one must be in memory)" if moe else ""
    moe_zh = "（所有专家都要计入，因为都得放进内存）" if moe else ""
    if m.quantization is None:
        return _unquantized_text(m, w, label, moe_en, moe_zh)
    if w.bytes is None or w.bits is None:
        return None
    gb = w.bytes / 1e9
    where_en, where_zh = hardware_class(gb * 1.1)
    scheme = m.quantization.scheme
    if w.bits.basis == "published dtype":  # the checkpoint's files, not the word in its name
        scheme = w.bits.why.split(" is published in ")[-1].split(",")[0]
    return (
        f"{label} × {scheme}",
        f"Roughly {gb:,.1f} GB of weights ({label} parameters × {w.bits.bits:g} bits ÷ 8, {w.bits.basis}){moe_en}. "
        f"Suits {where_en}. A rough estimate: the context (KV cache) and runtime add more memory.",
        f"权重约 {gb:,.1f} GB（{label} 参数 × {w.bits.bits:g} 位 ÷ 8）{moe_zh}。"
        f"适合{where_zh}。这是粗略估计：上下文（KV 缓存）和运行时还会占用更多内存。",
    )


def _unquantized_text(
    m: ModelName, w: memory.Weights, label: str, moe_en: str, moe_zh: str
) -> tuple[str, str, str] | None:
    """No quant in the name: what an Ollama tag downloads, or the 16-bit original and a Q4_K_M file."""
    q4 = memory.bits_for_scheme(memory.OLLAMA_DEFAULT)
    assert q4 is not None  # the default scheme's row has its whole-file average
    small, full = memory.weights_at(m, q4), memory.weights_at(m, memory.SIXTEEN_BIT)
    if small is None or full is None:
        return None
    if w.bits is not None and w.bits.basis == "shipped type" and w.bytes is not None:
        where_en, where_zh = hardware_class(w.bytes / 1e9 * 1.1)
        scheme = w.bits.why.split(" is published in ")[-1].split(";")[0]
        return (
            f"{label} × {scheme}",
            f"As published ({scheme}): about {w.bytes / 1e9:,.1f} GB of weights{moe_en}, which suits {where_en}; "
            f"at 16 bits it would be about {full / 1e9:,.1f} GB. A rough estimate: the context (KV cache) and runtime add more memory.",
            f"按发布时的格式（{scheme}）：权重约 {w.bytes / 1e9:,.1f} GB{moe_zh}，适合{where_zh}；若为 16 位约 {full / 1e9:,.1f} GB。"
            f"这是粗略估计：上下文（KV 缓存）和运行时还会占用更多内存。",
        )
    where_en, where_zh = hardware_class(small / 1e9 * 1.1)
    if m.kind == "ollama_tag":
        return (
            f"{label} × {memory.OLLAMA_DEFAULT}",
            f"Ollama's tags without a quant download a 4-bit build (usually {memory.OLLAMA_DEFAULT}): about {small / 1e9:,.1f} GB of weights"
            f"{moe_en}, which suits {where_en}. A rough estimate: the context (KV cache) adds more memory.",
            f"不带量化后缀的 Ollama 标签默认下载 4 位版本（通常为 {memory.OLLAMA_DEFAULT}）：权重约 {small / 1e9:,.1f} GB{moe_zh}，适合{where_zh}。"
            f"这是粗略估计：上下文（KV 缓存）还会占用更多内存。",
        )
    return (
        f"{label} × 16-bit",
        f"About {full / 1e9:,.1f} GB of weights at 16 bits per weight{moe_en}; quantized to Q4_K_M about {small / 1e9:,.1f} GB, "
        f"which suits {where_en}. A rough estimate: the context (KV cache) and runtime add more memory.",
        f"16 位精度下权重约 {full / 1e9:,.1f} GB{moe_zh}；量化为 Q4_K_M 约 {small / 1e9:,.1f} GB，适合{where_zh}。"
        f"这是粗略估计：上下文（KV 缓存）和运行时还会占用更多内存。",
    )


# --------------------------------------------------------------------------
# Notes from the values alone (a result loaded from JSON, or a field changed since reading)
# --------------------------------------------------------------------------

_DATA_FIELDS = (
    "provider",
    "organization",
    "family",
    "vendor",
    "version",
    "variant",
    "parameters",
    "context_length",
    "date",
    "distill",
    "base_model",
    "functions",
    "finetune",
    "training",
    "attributes",
    "quantization",
    "format",
    "role",
    "shard",
    "resolved",
    "checkpoint",
    "warnings",
)


def _data_notes(m: ModelName, fields: list[str] | tuple[str, ...]) -> list[Note]:
    """Notes for ``fields`` made from their values and the tables, as if the value had been read
    from a name that spelled it the table's way."""
    out: list[Note] = []
    for field in fields:
        if getattr(m, field) not in (None, (), ""):
            out.extend(_DATA_NOTES[field](m))
    return out


def _provider_notes(m: ModelName) -> list[Note]:
    v = vocabulary()
    notes = []
    for part in (m.provider or "").split(" "):
        if part.startswith(":"):
            notes.append(Note("provider", part, v.providers.get(("suffix", part[1:].lower()))))
            continue
        for word in part.split("/"):
            row = v.providers.get(("prefix", word.lower())) or v.providers.get(("path", word.lower()))
            notes.append(Note("provider", word, row))
    return notes


def _organization_notes(m: ModelName) -> list[Note]:
    v = vocabulary()
    org = (m.organization or "").lower()
    uploader = v.uploaders.get(org)
    return [
        Note(
            "organization",
            m.organization or "",
            v.vendor_by_org.get(org) or uploader,
            {"uploader": uploader is not None},
        )
    ]


def _family_notes(m: ModelName) -> list[Note]:
    row = vocabulary().families.get(m.family or "")
    return [Note("family", m.family or "", row, None if row is not None else {"guess": True})]


def _vendor_notes(m: ModelName) -> list[Note]:
    row = vocabulary().vendors.get(m.vendor or "")
    return [Note("vendor", m.vendor or "", row)] if row is not None else []


def _version_notes(m: ModelName) -> list[Note]:
    fam = vocabulary().families.get(m.family or "")
    note = fam.versions.get(m.version or "") if fam is not None else None
    if note is not None and note.en:
        return [Note("version", m.version or "", note)]
    return [Note("version", m.version or "", None, {"version": m.version})]


def _variant_notes(m: ModelName) -> list[Note]:
    tags = vocabulary().tags
    whole = tags.get(key(m.variant or ""))
    if whole is not None:
        return [Note("variant", m.variant or "", whole)]
    return [Note("variant", word, tags.get(key(word))) for word in (m.variant or "").split("-")]


def _parameter_notes(m: ModelName) -> list[Note]:
    p = m.parameters
    assert p is not None
    info = {k: x for k, x in p.model_dump().items() if x is not None}
    return [Note("parameters", p.label, None, info)]


def _context_notes(m: ModelName) -> list[Note]:
    tokens = m.context_length or 0
    token = f"{tokens // 1024}k" if tokens % 1024 == 0 else f"{tokens:,}"
    return [Note("context_length", token, None, {"tokens": tokens})]


def _date_notes(m: ModelName) -> list[Note]:
    return [Note("date", m.date or "", None, {"date": m.date})]


def _distill_notes(m: ModelName) -> list[Note]:
    return [Note("distill", "Distill", vocabulary().tags.get("distill"))]


def _base_model_notes(m: ModelName) -> list[Note]:
    words = (m.base_model or "").split(" ", 1)
    row = vocabulary().families.get(words[0])
    if row is None:
        return []
    return [Note("base_model", m.base_model or "", row, {"version": words[1] if len(words) > 1 else None})]


def _function_notes(m: ModelName) -> list[Note]:
    functions = vocabulary().functions
    return [
        Note("functions", functions[f].word if f in functions else f, functions.get(f)) for f in m.functions
    ]


def _finetune_notes(m: ModelName) -> list[Note]:
    tags = vocabulary().tags
    return [
        Note("finetune", w, tags.get(key(w)), None if key(w) in tags else {"guess": True}) for w in m.finetune
    ]


def _training_notes(m: ModelName) -> list[Note]:
    tags = vocabulary().tags
    return [Note("training", w, tags.get(key(w))) for w in m.training]


def _quantization_notes(m: ModelName) -> list[Note]:
    v = vocabulary()
    q = m.quantization
    assert q is not None
    row: Any = v.file_types.get(key(q.scheme)) if q.method in ("gguf", "ggml", None) else None
    row = row or v.quant_words.get(key(q.scheme)) or v.methods.get(q.method or "")
    notes = [Note("quantization", q.scheme, row, None if row is not None else {"bits": q.bits})]
    for marker, on in (("imatrix", q.imatrix), ("ud", q.dynamic)):
        if on:
            notes.append(Note("quantization", marker, v.tags.get(marker)))
    return notes


def _format_notes(m: ModelName) -> list[Note]:
    f = m.format
    assert f is not None
    token = f".{f.extension}" if f.extension else f.id.upper()
    return [Note("format", token, vocabulary().formats.get(f.id))]


def _role_notes(m: ModelName) -> list[Note]:
    row = next((t for t in vocabulary().tags.values() if t.field == "role" and t.id == m.role), None)
    return [Note("role", m.role or "", row)] if m.role != "model" else []


def _shard_notes(m: ModelName) -> list[Note]:
    s = m.shard
    assert s is not None
    return [Note("shard", f"{s.index:05d}-of-{s.total:05d}", None, {"index": s.index, "total": s.total})]


def _resolved_notes(m: ModelName) -> list[Note]:
    r = m.resolved
    assert r is not None
    rows = vocabulary().ollama.get(m.name.lower(), [])
    return [Note("resolved", m.name, row) for row in rows if row.resolves_to == r.name]


def _checkpoint_notes(m: ModelName) -> list[Note]:
    cp = m.checkpoint
    assert cp is not None
    return [Note("checkpoint", cp.id.rsplit("/", 1)[-1], vocabulary().checkpoint_by_id.get(cp.id), None)]


def _attribute_notes(m: ModelName) -> list[Note]:
    rows = [row for rows in vocabulary().meanings.values() for row in rows]
    out = []
    for name, value in m.attributes:
        row = next((x for x in rows if x.attribute == name and x.value in (None, value)), None)
        out.append(Note("attributes", value, row, {"value": value}))
    return out


def _warning_notes(m: ModelName) -> list[Note]:
    return [Note("warnings", w.code, None, {"en": w.en, "zh": w.zh}) for w in m.warnings]


_DATA_NOTES = {
    "attributes": _attribute_notes,
    "checkpoint": _checkpoint_notes,
    "warnings": _warning_notes,
    "provider": _provider_notes,
    "organization": _organization_notes,
    "family": _family_notes,
    "vendor": _vendor_notes,
    "version": _version_notes,
    "variant": _variant_notes,
    "parameters": _parameter_notes,
    "context_length": _context_notes,
    "date": _date_notes,
    "distill": _distill_notes,
    "base_model": _base_model_notes,
    "functions": _function_notes,
    "finetune": _finetune_notes,
    "training": _training_notes,
    "quantization": _quantization_notes,
    "format": _format_notes,
    "role": _role_notes,
    "shard": _shard_notes,
    "resolved": _resolved_notes,
}


_TEXTS = {
    "attributes": _attribute_text,
    "checkpoint": _checkpoint_text,
    "warnings": _warning_text,
    "parameters": _parameters_note_text,
    "version": _version_text,
    "date": _date_note_text,
    "context_length": _context_text,
    "shard": _shard_text,
    "family": _family_text,
    "finetune": _finetune_text,
    "organization": _organization_text,
    "vendor": _vendor_text,
    "base_model": _base_model_text,
    "distill": _distill_text,
    "quantization": _quantization_text,
}
"""Field → the rule that writes a note's sentence (fields not listed use their table row's text)."""
