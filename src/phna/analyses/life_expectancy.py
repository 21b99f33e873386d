"""Life expectancy chapter: how long people live in the place, how that compares, and how it varies within it.

The analyses live in three modules, each doing one thing; this module gathers them for the template:

- :mod:`phna.analyses.le_published` — OHID's latest published life expectancy per district, with OHID's own
  comparison with England (the chapter's headline), OHID's published SII and ONS's healthy life expectancy;
- :mod:`phna.analyses.le_computed` — life expectancy computed here from deaths by age (the 2014 ONS counts, the
  only year with public deaths by age for every district) and the gap by age (Arriaga);
- :mod:`phna.analyses.le_extract` — what an analyst's deaths extract adds (deprivation quintiles, SII, causes);
- :mod:`phna.analyses.le_within` — neighbourhood (MSOA) life expectancy, the SII and the rule for naming extremes.

Every function takes the chapter's parameters (``ctx.params``) and returns tables and findings records.
"""

from __future__ import annotations

import pandas as pd

from phna import data, geography
from phna.analyses.le_computed import ONS_2014_SOURCE, ComputedLE, GapByAge, computed, gap_by_age  # noqa: F401
from phna.analyses.le_published import (  # noqa: F401
    SOURCE_HLE, SOURCE_LE, SOURCE_SII, HealthyLE, PublishedLE, PublishedSII, healthy, published, published_sii,
)
from phna.analyses.le_within import DECILES_FROM, RELIABLE_WIDTH, WithinPlace, within_place  # noqa: F401
from phna.geography import ENGLAND  # noqa: F401
from phna.wording import join_names  # noqa: F401

SEXES = ("male", "female")
SEX_WORDS = {"male": "Male", "female": "Female"}
PEOPLE = {"male": "men", "female": "women"}


def attempt(func, *args, **kwargs):
    """Run an analysis step; return ``(result, None)`` or ``(None, reason)`` when the data do not cover it.

    Only data problems (:class:`phna.data.DataError`) are caught, so the chapter can say plainly why a section is
    missing; programming errors, and an invalid deaths extract, still fail the run.
    """
    try:
        return func(*args, **kwargs), None
    except data.DataError as exc:
        return None, str(exc)


def by_sex(table: pd.DataFrame, sex: str) -> pd.DataFrame:
    """Rows of ``table`` for one sex (an empty frame stays empty)."""
    if table is None or table.empty or "sex" not in table.columns:
        return pd.DataFrame()
    return table[table["sex"] == sex].reset_index(drop=True)


def district_names(params) -> list[str]:
    """Names of the place's districts."""
    names = geography.area_names()
    return [names.get(code, code) for code in params.areas.districts]
