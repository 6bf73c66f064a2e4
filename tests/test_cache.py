"""The cache of validated table rows: the same rows as reading the TOML, never stale, never trusted blindly."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import modelname.tables as tables
from modelname.tables import TABLES, _cache


def _fresh(monkeypatch, folder):
    monkeypatch.setenv("MODELNAME_CACHE", str(folder))
    tables._rows.cache_clear()
    tables.load.cache_clear()


def _as_data(rows):
    return {f: [dataclasses.asdict(r) for r in rows[f]] for f in rows}


def test_rows_from_the_cache_equal_rows_read_from_toml(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    try:
        read = tables._rows()  # reads the TOML, validates, writes the cache
        assert len(list(tmp_path.glob("tables-*.json"))) == 1
        tables._rows.cache_clear()
        cached = tables._rows()
        assert _as_data(cached) == _as_data(read)
        assert all(type(a) is type(b) for f in TABLES for a, b in zip(cached[f], read[f]))
        fam = next(r for r in cached["families.toml"] if r.versions)
        assert isinstance(next(iter(fam.versions.values())), tables.schema.VersionNote)
        assert isinstance(fam.aliases, tuple)
    finally:
        tables._rows.cache_clear()


def test_a_changed_table_is_read_again(monkeypatch, tmp_path):
    import shutil

    _fresh(monkeypatch, tmp_path / "cache")
    folder = tmp_path / "tables"
    folder.mkdir()
    for f in TABLES:
        shutil.copy(tables._HERE / f, folder / f)
    monkeypatch.setattr(tables, "_HERE", folder)
    reads = []
    real = tables._read_toml
    monkeypatch.setattr(tables, "_read_toml", lambda f: reads.append(f) or real(f))
    core = len(TABLES) - len(tables.ON_DEMAND)
    try:
        rows = tables._rows()
        assert len(reads) == core  # no cache yet: every core table read and validated
        for f in tables.ON_DEMAND:
            assert rows[f]  # an on-demand table is read when first looked up
        assert len(reads) == len(TABLES)
        tables._rows.cache_clear()
        rows = tables._rows()
        for f in tables.ON_DEMAND:
            assert rows[f]
        assert len(reads) == len(TABLES)  # from the cache
        with (folder / "tags.toml").open("a", encoding="utf-8") as fh:
            fh.write("\n# a comment\n")
        tables._rows.cache_clear()
        rows = tables._rows()
        assert len(reads) == len(TABLES) + core  # a core table changed: the core read again, not served stale
        with (folder / "checkpoints.toml").open("a", encoding="utf-8") as fh:
            fh.write("\n# a comment\n")
        tables._rows.cache_clear()
        rows = tables._rows()
        assert rows["checkpoints.toml"] and rows["api_models.toml"]
        assert reads[len(TABLES) + core :] == ["checkpoints.toml"]  # only the changed on-demand table
    finally:
        tables._rows.cache_clear()


def test_a_damaged_cache_is_ignored(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    texts = {f: tables._stamp(f) for f in TABLES}
    path = _cache._path(texts, "tables")
    path.parent.mkdir(parents=True, exist_ok=True)
    for damage in (b"{not json", json.dumps({f: [{"surprise": 1}] for f in TABLES}).encode(), b"[]"):
        path.write_bytes(damage)
        assert _cache.load_rows(texts, "tables") is None
    tables._rows.cache_clear()
    try:
        assert len(tables._rows()["tags.toml"]) > 50  # read from the TOML again
    finally:
        tables._rows.cache_clear()


def test_caching_can_be_turned_off(tmp_path):
    code = "import modelname; modelname.parse('Qwen2.5-7B-Instruct'); print('ok')"
    env = {"MODELNAME_CACHE": "off", "PATH": "", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "ok"
    assert not any(tmp_path.rglob("*.json"))
