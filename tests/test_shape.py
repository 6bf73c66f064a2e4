"""The code keeps the shape docs/architecture.md describes: no import circles, no function longer
than a screen, and the CLI imports no reading machinery for --help."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from conftest import ROOT

spec = importlib.util.spec_from_file_location("shape", ROOT / "scripts" / "shape.py")
shape = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shape)

LONGEST = 80  # lines: a screen


def test_no_module_imports_one_that_imports_it_back():
    assert shape.cycles(shape.graph()) == []


def test_the_reading_stages_do_not_import_what_reads_their_result():
    graph = shape.graph()
    downstream = {"modelname.model", "modelname.explain", "modelname.canonical", "modelname.memory"}
    for name, targets in graph.items():
        if name.startswith("modelname._read") or name.startswith("modelname.tables"):
            assert not targets & downstream, (name, targets & downstream)


def test_no_function_is_longer_than_a_screen():
    long = [
        (n, f"{name}.{fn}")
        for name, path in shape.modules().items()
        for n, fn in shape.functions(path)
        if n > LONGEST
    ]
    assert long == []


def test_help_does_not_load_the_tables_or_the_reader():
    code = (
        "import sys\n"
        "from modelname.cli import cli\n"
        "try:\n    cli(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('modelname._read', 'modelname.tables', 'rich', 'lark'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_public_name_loads_from_its_module():
    import modelname

    assert set(modelname.__all__) == {*modelname._WHERE, "__version__"}
    for name in modelname._WHERE:
        assert getattr(modelname, name) is not None


def test_json_schema_describes_fields_from_their_docstrings():
    """Descriptions are read from the attribute docstrings when a schema is asked for (not at import)."""
    code = (
        "import json, modelname\n"
        "s = modelname.ModelName.model_json_schema()\n"
        "print(json.dumps([s['properties']['vendor'].get('description'),"
        " s['$defs']['Quantization']['properties']['imatrix'].get('description')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    vendor, imatrix = json.loads(out.stdout)
    assert vendor == "Who made the model family (never the uploader)."
    assert imatrix.startswith("Quantized with an importance matrix")
