"""The README works for a new user (issue 17): its Python example runs, ``import perfkg`` is the package,
the licences are there, and the sdist carries tests that collect and pass.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.S)


def test_the_readme_python_example_prints_what_its_comments_say(monkeypatch):
    """Each ``print`` line's trailing comment is what it prints (17 unit rows and line 220's project: awk on the source)."""
    (example,) = _python_examples()
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {})
    said = [line.split("#", 1)[1].strip() for line in example.splitlines() if line.startswith("print(")]
    assert out.getvalue().splitlines() == said == ["17", "城乡居民社会养老保险政府资助项目 268348.16"]


def test_perfkg_is_the_same_package_as_converter():
    import converter
    import converter.query
    import converter.store
    import perfkg
    import perfkg.store
    from perfkg.query import Result

    assert perfkg is converter
    assert perfkg.store is converter.store  # the same module, not a copy: classes and state are shared
    assert Result is converter.query.Result
    assert converter.store.__spec__.name == "converter.store"


def test_graph_of_takes_one_path_as_a_path():
    import perfkg

    store = perfkg.graph_of(str(ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"))
    projects = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a <https://w3id.org/perfkg/ontology#Project> } }"
    assert int(next(iter(store.query(projects)))["n"].value) == 258


def test_python_m_perfkg_runs_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "perfkg", "--version"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert done.stdout.startswith("perfkg ")


def test_licences_for_the_code_and_the_ontology():
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]
    assert "Version 2.0" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:300]
    assert "Attribution 4.0 International" in (ROOT / "ontology" / "LICENSE").read_text(encoding="utf-8")[:200]
    ontology = (ROOT / "ontology" / "perfkg.ttl").read_text(encoding="utf-8")
    assert "dcterms:license <https://creativecommons.org/licenses/by/4.0/>" in ontology
    assert 'license = { text = "Apache-2.0" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_build_output_is_not_committed():
    assert "/perfkg-out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_readme_test_command_installs_what_the_tests_drive():
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert os.access(ROOT / "scripts" / "test", os.X_OK)
    for package in ("raptor2-utils", "chromium"):  # rapper (test_conventions …) and the report's browser
        assert package in script
    assert "pytest" in script and "apt-get install" in script


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    """The sdist, built by hatchling's PEP 517 hook and unpacked."""
    dist = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [sys.executable, "-c", f"from hatchling.build import build_sdist; print(build_sdist({str(dist)!r}))"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    (archive,) = dist.glob("perfkg-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(dist, filter="data")
    (root,) = [p for p in dist.iterdir() if p.is_dir()]
    return root


def _pytest(root: Path, *args: str) -> subprocess.CompletedProcess:
    # the sdist's own package first on the path, as after 'pip install' from it
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=root, env=env,
                          capture_output=True, text=True)  # fmt: skip


def test_the_sdist_tests_collect_as_the_checkouts_do(sdist):
    for path in ("benchmarks", "LICENSE", "ontology/LICENSE", "scripts/test", "perfkg/__init__.py", "tests/expected"):
        assert (sdist / path).exists(), path
    collected = _pytest(sdist, "--collect-only", "-q")
    assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]
    assert " error" not in collected.stdout.splitlines()[-1]
    mine = _pytest(ROOT, "--collect-only", "-q")
    count = lambda text: int(re.search(r"(\d+) tests? collected", text).group(1))  # noqa: E731
    assert count(collected.stdout) == count(mine.stdout) > 1000


def test_tests_pass_in_the_sdist(sdist):
    done = _pytest(sdist, "-q", "-x", "tests/test_cli.py", "tests/test_assets.py", "tests/test_benchmarks_generator.py")
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\d+ passed", done.stdout.splitlines()[-1])
