"""The national edition's Dask is pinned alike in pyproject.toml, environment.yml and requirements.lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _pins(lines) -> dict[str, str]:
    found = (re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line.strip()) for line in lines)
    return {m.group(1).lower(): m.group(2) for m in found if m}


def test_dask_and_distributed_are_pinned_alike_everywhere():
    project = _pins(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = _pins(next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d))
    lock = _pins((REPO / "requirements.lock").read_text().splitlines())
    for name in ("dask", "distributed"):
        assert name in project, f"{name} is not a dependency in pyproject.toml"
        assert project[name] == conda.get(name) == lock.get(name), name
    assert project["dask"] == project["distributed"]  # released together; other pairs are not supported
    # distributed's own requirements are locked too (a fresh venv installs exactly these).
    for name in ("cloudpickle", "msgpack", "tblib", "toolz", "zict", "partd", "locket", "fsspec", "sortedcontainers"):
        assert name in lock, f"{name} (needed by dask.distributed) is not in requirements.lock"
