"""A copy of the project for builds in tests (a module of its own: `conftest` names several files)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make_project(tmp: Path, *, templates: dict[str, Path] | None = None) -> Path:
    """A copy of the project in ``tmp`` (code stays installed from the repo) for builds in tests."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp / name)
    shutil.copytree(REPO / "book", tmp / "book", ignore=shutil.ignore_patterns("places", "icb", "_generated", "_vendor"))
    if (REPO / "book" / "_vendor").is_dir():  # vendored MathJax (large): link, do not copy
        (tmp / "book" / "_vendor").symlink_to(REPO / "book" / "_vendor")
    shutil.copytree(REPO / "analyses", tmp / "analyses")
    shutil.copytree(REPO / "data", tmp / "data")
    for name, source in (templates or {}).items():
        shutil.copy2(source, tmp / "analyses" / name)
    return tmp


def run_template(template, place: str, tmp_path: Path, mirror: Path, monkeypatch) -> tuple[Path, Path]:
    """Run a chapter template for ``place`` with Papermill in ``tmp_path`` on the real mirror.

    Returns the executed notebook and the folder of files the chapter wrote (``tmp_path / "data"``).
    """
    import papermill as pm

    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(template), str(out), parameters={"place": place}, cwd=str(tmp_path),
                        kernel_name="python3", progress_bar=False)
    return out, tmp_path / "data"
