"""Preventable mortality chapter: deaths under 75 from causes considered preventable, and premature mortality.

The analyses live in three modules, each doing one thing; this module gathers them for the template:

- :mod:`phna.analyses.pm_published` — OHID's latest published under-75 preventable mortality per district, with
  OHID's own comparison with England (the chapter's headline), preventable cancer and cardiovascular mortality;
- :mod:`phna.analyses.pm_rates` — all-age and under-75 death rates computed here from the 2014 ONS counts (the
  only year with public deaths by age for every district) and the funnel of England's districts;
- :mod:`phna.analyses.pm_msoa` — neighbourhood (MSOA) standardised mortality ratios against deprivation.

Every function takes the chapter's parameters (``ctx.params``) and returns tables and findings records.
"""

from __future__ import annotations

from phna.analyses.pm_msoa import SOURCE_DEPRIVATION, SOURCE_MSOA, MsoaResult, fit_smr_deprivation, msoa_smr  # noqa: F401
from phna.analyses.pm_published import (  # noqa: F401
    CANCER_ID, PREVENTABLE_ID, SOURCE_CANCER, SOURCE_CVD, SOURCE_PREVENTABLE, UNIT, CvdResult, TrendResult,
    preventable_cancer, preventable_cvd, preventable_trend,
)
from phna.analyses.pm_rates import (  # noqa: F401
    SOURCE_2014, SOURCE_FUNNEL, Dsr2014Result, FunnelResult, dsr_2014, funnel_2014,
)
from phna.geography import ENGLAND  # noqa: F401

SEXES = ("persons", "male", "female")
