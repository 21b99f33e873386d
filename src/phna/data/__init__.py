"""Data layer: catalogue, mirror, verification, refresh and tidy loaders."""

from .errors import DataError
from .fetch import source_path
from .refresh import refresh
from .verify import verify

__all__ = ["DataError", "source_path", "verify", "refresh"]
