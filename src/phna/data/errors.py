"""The one exception type of the data layer."""

from __future__ import annotations


class DataError(Exception):
    """A data file is missing, corrupt or not in the expected shape.

    The message always names the file (catalogue id and/or path) and says what was expected and what was found.
    """
