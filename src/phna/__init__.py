"""phna: population health needs analysis for places in England.

The library behind the book: data loading (:mod:`phna.data`), statistics (:mod:`phna.stats`),
places and configuration (:mod:`phna.config`), charts (:mod:`phna.charts`), analyses used by the
chapter templates (:mod:`phna.analyses`) and the book build (:mod:`phna.build`).
"""

__version__ = "0.1.0"
