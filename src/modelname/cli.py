"""The ``modelname`` command: a thin layer over the library.

Library errors become one clear line at this boundary; no traceback reaches users.
"""

from __future__ import annotations

import dataclasses
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
    from .terms import lookup_term, term_json

    lang = lang or default_lang()
    failed = 0
    for name in _expand(names):
        term = lookup_term(name)
        if as_json and term is not None:  # what `vocab --json` gives for it, under "term"
            click.echo(json.dumps(term_json(term), ensure_ascii=False))
            continue
        try:
            m = parse(name)
        except InvalidModelName as err:
            failed += 1
            if as_json:
                click.echo(json.dumps({"name": name, "error": err.to_dict()}, ensure_ascii=False))
            label = "无效的名称" if lang == "zh" else "invalid name"
            click.echo(f"modelname: {label}: {err.message(lang)}", err=True)
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
    "functions": "functions.toml",
    "categories": "categories.toml",
    "kinds": "kinds.toml",
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
        from pydantic import TypeAdapter

        click.echo(json.dumps(TypeAdapter(TABLES[filename][1]).json_schema(), ensure_ascii=False, indent=2))
        return
    rows = load(filename)
    if as_json:
        for row in rows:
            click.echo(json.dumps(dataclasses.asdict(row), ensure_ascii=False))
        return
    render_vocab(table, rows, lang or default_lang())


def output_options(command):  # type: ignore[no-untyped-def]
    """The output options every data command shares: ``--format``, ``-o/--output``, ``--fields``."""
    command = click.option(
        "--fields",
        multiple=True,
        metavar="COLUMNS",
        help="Columns to write, comma-separated or repeated (default: all).",
    )(command)
    command = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, allow_dash=True),
        default=None,
        help="Write to FILE (atomically) instead of standard output; its extension sets the format.",
    )(command)
    command = click.option(
        "--format",
        "output_format",
        type=click.Choice(["jsonl", "csv", "parquet"]),
        default=None,
        help="Output format (default: from -o's extension, else jsonl).",
    )(command)
    return command


def _fields(values: tuple[str, ...]) -> list[str]:
    return [f.strip() for value in values for f in value.split(",") if f.strip()]


@cli.command("annotate", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--input-format",
    type=click.Choice(["text", "json", "jsonl", "csv", "tsv", "parquet"]),
    default=None,
    help="Input format (default: from the extension, else from the content).",
)
@click.option(
    "--column", metavar="NAME", help="Column or key holding the name (default: id, modelId or name)."
)
@click.option(
    "--files", is_flag=True, help="One row per file in each Hub record's siblings (repo id + file)."
)
@output_options
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Add an explanations column in this language.",
)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Read only the first N input rows.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: all cores).",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 when any row has an error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option(
    "--hub", multiple=True, metavar="KEY=VALUE", help="List models from the Hub (author=Qwen,filter=gguf)."
)
@click.option("--hub-search", metavar="TEXT", help="List Hub models whose id contains TEXT.")
def annotate_command(
    inputs: tuple[str, ...],
    input_format: str | None,
    column: str | None,
    files: bool,
    output_format: str | None,
    output: str | None,
    fields: tuple[str, ...],
    lang: str | None,
    limit: int | None,
    jobs: int,
    strict: bool,
    quiet: bool,
    hub: tuple[str, ...],
    hub_search: str | None,
) -> None:
    """Annotate a listing: one row of flat columns (family, size, quantization …) per input row.

    INPUT files are plain text (one name per line), JSON arrays or JSON lines of Hub API model
    records, CSV/TSV or Parquet; - or nothing reads standard input.  Rows that cannot be read are
    kept, with an error column; a summary goes to standard error.
    """
    from ._annotate import AnnotateError, AnnotateUsageError, annotate_listing, hub_query

    if (hub or hub_search) and inputs:
        raise click.UsageError("give INPUT files or --hub/--hub-search, not both")
    try:
        query = hub_query(hub, hub_search) if (hub or hub_search) else None
        summary = annotate_listing(
            inputs,
            output=output,
            output_format=output_format,
            input_format=input_format,
            column=column,
            files=files,
            fields=_fields(fields),
            lang=lang,
            limit=limit,
            jobs=jobs,
            hub=query,
            # a bar on the terminal, unless the rows are being written to that terminal too
            progress=not quiet
            and sys.stderr.isatty()
            and (output not in (None, "-") or not sys.stdout.isatty()),
        )
    except AnnotateUsageError as err:
        raise click.UsageError(str(err)) from None
    except AnnotateError as err:
        click.echo(f"modelname: {err}", err=True)
        sys.exit(getattr(err, "exit_status", 1))  # 128 + the signal's number when stopped by one
    if not quiet:
        click.echo(str(summary), err=True)
    if strict and summary.errors:
        sys.exit(1)


# ----------------------------------------------------------------- fit, pick, inspect (download scripts)

EXIT_FIT = {"fits": 0, "does not fit": 1, "unknown": 3}


def _fail(message: str, code: int) -> None:
    click.echo(f"modelname: {message}", err=True)
    sys.exit(code)


@cli.command(context_settings=CONTEXT)
@click.argument("name")
@click.option(
    "-m", "--memory", required=True, help="Memory budget: 12GB, 24GiB, 800MB (a bare number is GB)."
)
@click.option(
    "--context",
    type=click.IntRange(min=1),
    default=None,
    help="Tokens of context for the KV cache (default 8192, or the model's maximum if smaller).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: verdict, budget, needed, estimate.")
def fit(name: str, memory: str, context: int | None, as_json: bool) -> None:
    """Say whether NAME fits in --memory: weights + KV cache + overhead, with the numbers.

    NAME is a model name (a GGUF file name, a Hub repo id, an Ollama tag) or the path of a local
    GGUF/safetensors file, whose header gives exact numbers.  Exit status: 0 fits, 1 does not
    fit, 3 unknown (the name lacks the size, quantization or attention shape), 2 bad input.
    """
    from .memory import parse_memory

    try:
        parse_memory(memory)
    except ValueError as err:
        _fail(str(err), 2)
    if os.path.isfile(name) or os.path.isdir(name):
        from ._inspect import InspectError, inspect

        try:
            est = inspect(name).estimate_memory(context)
        except InspectError as err:
            _fail(f"cannot read {name}: {err}", 2)
    else:
        from ._parse import parse
        from .errors import InvalidModelName

        try:
            est = parse(name).estimate_memory(context)
        except InvalidModelName as err:
            _fail(f"invalid name: {err}", 2)
    result = est.fit(memory)
    if as_json:
        out = {"name": name, **result.model_dump(mode="json"), "estimate": est.model_dump(mode="json")}
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        from .render import fit_lines

        click.echo("\n".join(fit_lines(name, est, result)))
    sys.exit(EXIT_FIT[result.verdict])


@cli.command("pick", context_settings=CONTEXT)
@click.argument("listing", type=click.File("r", encoding="utf-8"))
@click.option(
    "-m", "--memory", required=True, help="Memory budget: 12GB, 24GiB, 800MB (a bare number is GB)."
)
@click.option(
    "--prefer", metavar="SCHEME|MIN", help="A scheme to choose when it fits (Q4_K_M) or a minimum (bits>=4)."
)
@click.option(
    "--context",
    type=click.IntRange(min=1),
    default=None,
    help="Tokens of context for the KV cache (default 8192).",
)
@click.option("--no-mmproj", is_flag=True, help="Leave multimodal projectors out.")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: files, mmproj, estimate, reasons, rejected."
)
def pick_command(  # type: ignore[no-untyped-def]
    listing, memory: str, prefer: str | None, context: int | None, no_mmproj: bool, as_json: bool
) -> None:
    """Choose the file of a repository LISTING to download for --memory.

    LISTING (- for standard input) holds one file per line, optionally with its size
    (NAME 19850000000, NAME 19.85GB), or a Hub model record (JSON with "siblings").  Split
    models count as one, projectors (mmproj) come with their model, other files are ignored.
    Exit status: 0 a file was chosen, 1 nothing fits, 2 bad input.
    """
    from ._pick import pick, read_listing

    try:
        rows, repo = read_listing(listing.read())
        choice = pick(rows, memory, prefer=prefer, context_length=context, mmproj=not no_mmproj, repo=repo)
    except ValueError as err:
        _fail(str(err), 2)
    if as_json:
        click.echo(json.dumps(choice.model_dump(mode="json"), ensure_ascii=False))
    else:
        from .render import pick_lines

        click.echo("\n".join(pick_lines(choice)))
    sys.exit(0 if choice.chosen else 1)


@cli.command("inspect", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object per file, with mismatches: [{field, name_says, file_says}].",
)
def inspect_command(paths: tuple[str, ...], as_json: bool) -> None:
    """Read each model file's header and check it against the file's own name.

    GGUF and safetensors headers are read without loading the weights; PyTorch pickle files are
    never unpickled.  Exit status: 0 when every file was read, 1 when one could not be.
    """
    from ._inspect import InspectError, inspect

    failed = 0
    for path in paths:
        try:
            info = inspect(path)
        except InspectError as err:
            failed += 1
            if as_json:
                click.echo(
                    json.dumps({"path": path, "error": str(err), "offset": err.offset}, ensure_ascii=False)
                )
            click.echo(f"modelname: cannot read {path}: {err}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(info.model_dump(mode="json"), ensure_ascii=False))
        else:
            from .render import inspection_lines

            click.echo("\n".join(inspection_lines(info)))
    sys.exit(1 if failed else 0)


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
