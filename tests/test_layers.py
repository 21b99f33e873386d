"""Layers point down: the data and statistics layers import nothing above them.

Each module of ``phna.data`` and ``phna.stats`` is imported in a fresh process (forked from one interpreter
that has loaded the third-party libraries but no ``phna`` module), and the ``phna`` modules it pulled in are
listed. Any module outside the bottom layers (``phna.config``, ``phna.context``, ``phna.analyses``,
``phna.charts``, ``phna.build``, ``phna.findings``, ``phna.provenance``, ``phna.geography``, …) is a defect,
whether imported at the top of a module or by a package ``__init__``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "phna"

#: The bottom layers: a module here may import only these (and the ``phna`` package itself).
BOTTOM = ("phna.data", "phna.stats")

CHECKER = r"""
import importlib, json, os, sys
import numpy, pandas, scipy.stats, yaml, jsonschema  # the heavy third-party imports, shared by the forks

def imported_by(module):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(module)
            loaded = sorted(name for name in sys.modules if name == "phna" or name.startswith("phna."))
            payload = {"loaded": loaded}
        except Exception as exc:  # an import error is reported, not hidden
            payload = {"error": f"{type(exc).__name__}: {exc}"}
        os.write(write, json.dumps(payload).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))

print(json.dumps({module: imported_by(module) for module in sys.argv[1:]}))
"""


def modules_of(package: str) -> list[str]:
    folder = SRC.joinpath(*package.split(".")[1:])
    names = [package]
    for path in sorted(folder.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        names.append(".".join(("phna", *path.relative_to(SRC).with_suffix("").parts)))
    return names


def imports(modules: list[str]) -> dict[str, dict]:
    out = subprocess.run([sys.executable, "-c", CHECKER, *modules], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def upward(loaded: list[str]) -> list[str]:
    """The modules in ``loaded`` that are above the bottom layers."""
    return [m for m in loaded if m != "phna" and not m.startswith(tuple(f"{b}." for b in BOTTOM)) and m not in BOTTOM]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="the checker forks (POSIX)")
def test_data_and_stats_modules_import_nothing_above_them():
    modules = modules_of("phna.data") + modules_of("phna.stats")
    assert "phna.data.fetch" in modules and "phna.stats.sii" in modules and len(modules) > 30
    found = imports(modules)
    errors = {m: r["error"] for m, r in found.items() if "error" in r}
    assert not errors, errors
    violations = {m: upward(r["loaded"]) for m, r in found.items() if upward(r["loaded"])}
    assert not violations, "modules of the bottom layers importing upwards:\n" + "\n".join(
        f"  {m}: {', '.join(v)}" for m, v in violations.items()
    )


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="the checker forks (POSIX)")
def test_the_check_catches_an_upward_import():
    """The checker is not blind: a module above the bottom layers is reported with what it pulled in."""
    found = imports(["phna.config", "phna.provenance"])
    assert {"phna.parameters", "phna.geography"} <= set(upward(found["phna.config"]["loaded"]))
    assert upward(found["phna.provenance"]["loaded"]) == ["phna.provenance"]


def test_importing_the_package_loads_no_layer():
    """``import phna`` (which every import of a submodule runs first) loads nothing but itself."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys, phna; print(sorted(m for m in sys.modules if m.startswith('phna')))"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['phna']"
