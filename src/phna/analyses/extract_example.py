"""A realistic SYNTHETIC deaths extract in the book's format (``phna extract example``): never real deaths.

Every 2011 small area of Coventry and Warwickshire, with death rates rising with age (Gompertz), higher for men
and in more deprived areas (by IMD 2019 score), split over representative underlying causes whose mix changes with
age. Deaths are Poisson draws on the mirror's mid-2019 populations over three years, 2021 to 2023. For trying the
extract sections of the chapters and for tests; it describes no real person or place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from phna import data
from phna.analyses.extract import AGE_BAND_LABELS
from phna.stats.life_expectancy import LE_AGE_BANDS

ICB = "E54000018"
# (ICD-10 code, weight under 45, weight 45-74, weight 75 and over): a plausible mix of underlying causes
CAUSES = [
    ("I21.9", 2, 10, 8), ("I64", 1, 4, 7), ("C34.9", 1, 9, 5), ("C18.9", 1, 4, 3), ("C50.9", 1, 3, 2),
    ("J44.9", 0.5, 5, 6), ("J18.9", 1, 2, 5), ("K70.3", 1, 4, 1), ("X42", 8, 2, 0.2), ("X70", 8, 1.5, 0.3),
    ("V89.2", 5, 1, 0.3), ("F03", 0.1, 1, 10), ("G30.9", 0, 0.5, 4), ("U07.1", 0.5, 2, 3), ("E11.9", 0.5, 2, 2),
    ("P07.3", 6, 0, 0), ("N18.9", 0.3, 1, 2), ("G35", 1, 1, 0.3),
]

# deaths under 1 year: mostly conditions of the perinatal period and congenital anomalies
INFANT = [("P07.3",), ("Q24.9",), ("R95",)]
INFANT_WEIGHTS = [0.6, 0.3, 0.1]


def example_extract(seed: int = 1, years: tuple[int, int] = (2021, 2023)) -> pd.DataFrame:
    """The synthetic extract as a table (columns ``lsoa11_code, sex, age_band, period, icd10, deaths``)."""
    rng = np.random.default_rng(seed)
    lookup = data.lsoa11_lookup()
    lsoas = set(lookup.loc[lookup["icb_code"] == ICB, "lsoa11_code"])
    pop = data.lsoa_population_2019()
    pop = pop[pop["lsoa11_code"].isin(lsoas)].copy()
    starts = LE_AGE_BANDS.astype(int)
    pop["age_start"] = starts[np.searchsorted(starts, pop["age"].to_numpy(), side="right") - 1]
    pop = pop.groupby(["lsoa11_code", "sex", "age_start"], as_index=False)["population"].sum()
    imd = data.imd2019_lsoa().set_index("lsoa11_code")["imd_score"]
    z = (imd.reindex(pop["lsoa11_code"]).to_numpy() - imd[list(lsoas)].mean()) / imd[list(lsoas)].std()
    age = pop["age_start"].to_numpy() + np.where(pop["age_start"] == 0, 0.5, 2.5)
    rate = np.where(pop["age_start"] == 0, 0.0035, 0.00004 * np.exp(0.088 * age))
    rate *= np.where(pop["sex"] == "male", 1.35, 1.0) * np.exp(0.18 * z)
    n_years = years[1] - years[0] + 1
    pop["deaths"] = rng.poisson(np.minimum(rate, 0.6) * pop["population"].to_numpy() * n_years)
    weights = np.array([c[1:] for c in CAUSES], dtype=float)
    band = np.select([pop["age_start"] < 45, pop["age_start"] < 75], [0, 1], 2)
    rows = []
    for (code, sex, start, deaths), b in zip(pop[["lsoa11_code", "sex", "age_start", "deaths"]].itertuples(index=False),
                                             band):
        if deaths == 0:
            continue
        causes, w = (INFANT, INFANT_WEIGHTS) if start == 0 else (CAUSES, weights[:, b] / weights[:, b].sum())
        for (icd, *_), k in zip(causes, rng.multinomial(deaths, w)):
            if k:
                rows.append((code, sex, AGE_BAND_LABELS[list(starts).index(start)], f"{years[0]}-{str(years[1])[2:]}",
                             icd, int(k)))
    return pd.DataFrame(rows, columns=["lsoa11_code", "sex", "age_band", "period", "icd10", "deaths"])


def write_example(out) -> int:
    """Write the synthetic extract to ``out`` (CSV); returns the number of rows."""
    frame = example_extract()
    frame.to_csv(out, index=False)
    return len(frame)
