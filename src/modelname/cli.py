"""The ``modelname`` command: a thin layer over the library.

Library errors become one clear line at this boundary; no traceback reaches users.
"""

from __future__ import annotations

import json
import os
import sys
import click

from . import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def default_lang() -> str:
    """``zh`` when the locale is Chinese (LC_ALL, LC_MESSAGES or LANG start with ``zh``), else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of explanations (default: from LANG/LC_ALL; zh_* gives Chinese).",
)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="modelname")
def cli() -> None:
    """Read model names — Hub repo ids, GGUF files, Ollama tags, API ids — and say what they are."""


@cli.command(context_settings=CONTEXT)
@click.argument("names", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, one line per name.")
@lang_option
def explain(names: tuple[str, ...], as_json: bool, lang: str | None) -> None:
    """Explain each NAME: vendor, family, size, quantization, format … one part per row.

    A NAME may also be a single term (Q4_K_M, AWQ, distill, mmproj) to explain the term itself.
    Use - to read names from standard input, one per line.
    """
    from ._parse import parse
    from .errors import InvalidModelName
    from .render import render_name, render_term
    from .terms import lookup_term

    lang = lang or default_lang()
    failed = 0
    for name in _expand(names):
        term = None if as_json else lookup_term(name)
        try:
            m = parse(name)
        except InvalidModelName as err:
            failed += 1
            if as_json:
                click.echo(json.dumps({"name": name, "error": err.to_dict()}, ensure_ascii=False))
            click.echo(f"modelname: invalid name: {err}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(m.model_dump(mode="json"), ensure_ascii=False))
        elif term is not None:
            render_term(term, lang)
        else:
            render_name(m, lang)
    if failed:
        sys.exit(2)


VOCAB_TABLES = {
    "families": "families.toml",
    "vendors": "vendors.toml",
    "quants": "file_types.toml",
    "ggml-types": "ggml_types.toml",
    "methods": "quant_methods.toml",
    "quant-words": "quant_words.toml",
    "formats": "formats.toml",
    "tags": "tags.toml",
    "providers": "providers.toml",
    "uploaders": "uploaders.toml",
    "ollama": "ollama.toml",
}


@cli.command(context_settings=CONTEXT)
@click.argument("table", type=click.Choice(sorted(VOCAB_TABLES)))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, one line per entry.")
@click.option("--schema", is_flag=True, help="Print the JSON schema of the table's rows instead.")
@lang_option
def vocab(table: str, as_json: bool, schema: bool, lang: str | None) -> None:
    """List what a vocabulary TABLE knows (families, quants, formats, tags …)."""
    from .render import render_vocab
    from .tables import load
    from .tables.schema import TABLES

    filename = VOCAB_TABLES[table]
    if schema:
        click.echo(json.dumps(TABLES[filename][1].model_json_schema(), ensure_ascii=False, indent=2))
        return
    rows = load(filename)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    render_vocab(table, rows, lang or default_lang())


def _expand(names: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name == "-":
            out.extend(line.rstrip("\r\n") for line in sys.stdin if line.strip())
        else:
            out.append(name)
    return out


def main() -> None:
    cli(prog_name="modelname")


if __name__ == "__main__":  # pragma: no cover
    main()
