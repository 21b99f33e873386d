"""Where things are: the repository root, the config file, the book and build folders.

The repository root is the folder holding ``pyproject.toml`` above this package (an editable install),
or ``PHNA_ROOT`` when set. Everything else is relative to it.
"""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """Return the project's root folder (``PHNA_ROOT`` or the folder holding ``pyproject.toml``)."""
    env = os.environ.get("PHNA_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "analyses").is_dir():
            return parent
    # Installed without the source tree: fall back to the working directory.
    return Path.cwd().resolve()


def config_path() -> Path:
    """The book's configuration file (``PHNA_CONFIG`` or ``analyses/config.yaml``)."""
    env = os.environ.get("PHNA_CONFIG")
    return Path(env).resolve() if env else repo_root() / "analyses" / "config.yaml"


def book_dir() -> Path:
    return repo_root() / "book"


def build_dir() -> Path:
    return repo_root() / "_build"


def state_dir() -> Path:
    """Working state of the runner (chapter cache keys, logs, failed notebooks)."""
    return repo_root() / ".phna"
