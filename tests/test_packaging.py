"""A built wheel works on its own: its CLI finds the ontology, shapes and queries.

The wheel is built and unpacked into a temporary folder, and the CLI is run
from another folder with only that unpacked wheel (plus the installed
dependencies) importable, so nothing can come from the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (wheel,) = dist.glob("perfkg-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_wheel_carries_the_assets(unpacked_wheel):
    assets = unpacked_wheel / "converter" / "assets"
    assert (assets / "ontology" / "perfkg.ttl").is_file()
    assert (assets / "ontology" / "schemes.ttl").is_file()
    assert (assets / "data" / "guangzhou-hrss-2024-project-performance-goals.txt").is_file()
    assert any((assets / "queries").glob("*.rq")) or (assets / "queries").is_dir()
    assert (assets / "shapes").is_dir()


def test_wheel_cli_converts_the_bundled_table(unpacked_wheel, tmp_path):
    source = unpacked_wheel / "converter" / "assets" / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
    out = tmp_path / "g.nt"
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin"}
    probe = subprocess.run(
        [sys.executable, "-c", "from converter import assets; print(assets.asset_dir('ontology'))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip().startswith(str(unpacked_wheel))
    result = subprocess.run(
        [sys.executable, "-m", "converter", "convert", str(source), "--format", "nt", "-o", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count("<https://w3id.org/perfkg/ontology#Project> .") == 258


def test_wheel_installs_perfkg_as_the_import_name(unpacked_wheel, tmp_path):
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin"}
    assert (unpacked_wheel / "perfkg" / "__init__.py").is_file()
    probe = subprocess.run(
        [sys.executable, "-c", "import perfkg, perfkg.catalog as c; print(perfkg.__file__); print(len(c.names()))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )
    where, count = probe.stdout.split()
    assert where.startswith(str(unpacked_wheel)) and int(count) == len(list((ROOT / "queries").glob("*.rq")))
    version = subprocess.run([sys.executable, "-m", "perfkg", "--version"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("perfkg ")
