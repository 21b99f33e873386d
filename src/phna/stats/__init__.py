"""Public health statistics with OHID/Fingertips methods (pandas in, pandas out).

Implements, vectorised across groups, the methods of OHID's R package
PHEindicatormethods and the Fingertips technical guidance: Wilson and Byar's
/ exact Poisson intervals, crude rates and proportions, directly
standardised rates (Dobson, ESP2013), life expectancy (Chiang II with
Silcocks' variance), SII/RII (simulated limits), benchmark comparison,
funnel plot limits, recent trends and Arriaga's decomposition.

Every function returns a DataFrame describing itself: the value, the limits
at each requested confidence level (``lowercl``/``uppercl`` for one level,
``lower95_0cl``, ``upper99_8cl`` ... for several), ``confidence``,
``statistic``, ``method``, ``suppressed`` and ``reason``; suppression rules
are applied inside the function. Bad input raises ``ValueError`` naming the
column and the offending rows.

Decision on PHStatsMethods (PyPI ``PHStatsMethods`` 0.1.16, OHID's Python
port of part of PHEindicatormethods; wheel inspected, not installed):
**not a dependency.** It covers proportions, rates, means, DSR, ISR/ISRatio,
quantiles and funnels, but has no life expectancy, SII/RII, recent trend or
decomposition; it computes limits row by row (``DataFrame.apply`` with
Python lambdas) rather than vectorised over thousands of groups; its output
columns differ from the uniform self-describing layout used across this
book; and it declares pytest as a runtime requirement. Our functions are
tested against the same PHEindicatormethods worked examples, so depending
on it would add a package without adding coverage.
"""

from .compare import compare_to_benchmark
from .decomposition import arriaga
from .decomposition_cause import arriaga_by_cause
from .dsr import ESP2013, ESP2013_ONS, dsr
from .funnel import funnel_limits, funnel_points, funnel_significance
from .intervals import byars, exact_poisson, poisson_limits, proportion, rate, wilson
from .life_expectancy import life_expectancy, life_table
from .share_ratio import katz_ratio, share_ratio
from .sii import sii
from .trend import recent_trend

__all__ = [
    "ESP2013",
    "ESP2013_ONS",
    "arriaga", "arriaga_by_cause",
    "byars",
    "compare_to_benchmark",
    "dsr",
    "exact_poisson",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "katz_ratio",
    "life_expectancy",
    "life_table",
    "poisson_limits",
    "proportion",
    "rate",
    "recent_trend",
    "share_ratio",
    "sii",
    "wilson",
]
