"""Data layer of phna: catalogue, mirror, verification, refresh and tidy loaders.

Every loader reads catalogued files through :func:`source_path` (checksum-verified), validates their shape and
returns a tidy :class:`pandas.DataFrame` (a fresh copy of a per-process cache). Malformed or changed files raise
:class:`DataError` naming the file, the column and the offending values.
"""

from .boundaries import boundaries
from .census_ethnicity import (census_ethnicity_lsoa21, census_ethnicity_msoa21, census_ethnicity_percent,
                               lsoa21_lad23_lookup)
from .deaths import deaths_population_2014, ons_asmr_2014
from .deprivation import imd2019_lsoa, iod2025_lsoa
from .dfe_lait import lait, lait_dictionary
from .els import datasets as els_datasets
from .els import els, els_metadata
from .errors import DataError
from .fetch import source_path
from .fingertips import fingertips
from .fingertips import indicators as fingertips_indicators
from .fingertips_api import child_injuries, read_fingertips_api_csv
from .lookups import district_lookup, lsoa11_lookup, lsoa11_lsoa21_lookup, lsoa21_lookup
from .mortality import local_health_ltla, local_health_msoa, msoa_life_expectancy
from .population import (lsoa_population_2019, population_by_imd_decile_2020, population_mid2023,
                         population_single_year)
from .refresh import refresh
from .rural import rural_urban_lsoa11
from .verify import verify
from .wider import esp2013, fuel_poverty, health_index, health_index_indicators, similar_areas

__all__ = [
    "DataError", "source_path", "verify", "refresh",
    "lsoa11_lookup", "lsoa21_lookup", "lsoa11_lsoa21_lookup", "district_lookup", "rural_urban_lsoa11",
    "imd2019_lsoa", "iod2025_lsoa",
    "lsoa_population_2019", "population_single_year", "population_by_imd_decile_2020", "population_mid2023",
    "deaths_population_2014", "ons_asmr_2014",
    "msoa_life_expectancy", "local_health_msoa", "local_health_ltla",
    "fingertips", "fingertips_indicators", "els", "els_metadata", "els_datasets",
    "lait", "lait_dictionary", "child_injuries", "read_fingertips_api_csv",
    "health_index_indicators", "health_index", "fuel_poverty", "similar_areas", "esp2013", "boundaries",
    "census_ethnicity_lsoa21", "census_ethnicity_msoa21", "census_ethnicity_percent", "lsoa21_lad23_lookup",
]
