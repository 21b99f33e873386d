"""Exceptions with messages written for the analyst who has to act on them."""


class PhnaError(Exception):
    """Base class: every error the command line reports as a one-line message and a non-zero exit."""


class ConfigError(PhnaError):
    """The configuration file, a place or a parameter is not valid."""


class ChapterFailed(PhnaError):
    """A chapter notebook failed while executing."""
