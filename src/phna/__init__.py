"""phna: population health needs analysis for places in England.

The library behind the book: data loading (:mod:`phna.data`), statistics (:mod:`phna.stats`),
places and configuration (:mod:`phna.config`), charts (:mod:`phna.charts`), analyses used by the
chapter templates (:mod:`phna.analyses`) and the book build (:mod:`phna.build`).
"""

__version__ = "0.1.0"


def __getattr__(name):
    # Lazy, so the command line starts quickly: `phna.chapter(...)` is what templates call.
    if name == "chapter":
        from phna.context import chapter

        return chapter
    raise AttributeError(f"module 'phna' has no attribute {name!r}")
