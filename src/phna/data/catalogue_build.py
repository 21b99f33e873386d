"""Regenerate ``data/catalogue.yaml`` from the mirror: ``python -m phna.data.catalogue_build [MIRROR]``.

Provenance (publisher, URL, licence, period, repository/commit) is written here by hand from the mirror's
``SOURCES.md`` files; sha256, size and expected columns are computed from the files themselves. Re-run after a
deliberate data refresh and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from .catalogue import catalogue_path, read_columns
from .checksums import sha256
from .fingertips import FILE_INDICATORS
from .mirror import mirror_location
from .sources import fingertips as fingertips_source
from .sources import ons as ons_source

OGL = "Open Government Licence v3.0"
GEOPORTAL = "https://geoportal.statistics.gov.uk/"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"

# Folder defaults; every file entry below inherits them and may override any field.
GROUPS: dict[str, dict[str, Any]] = {
    "lookups": dict(publisher="Office for National Statistics (Open Geography Portal), via humaniverse/geographr",
                    url=GEOPORTAL, licence=OGL + " (contains OS data © Crown copyright)",
                    repository="humaniverse/geographr", period="see title"),
    "imd2019": dict(publisher="Ministry of Housing, Communities and Local Government (MHCLG)",
                    url="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
                    licence=OGL, period="IoD2019 (indicators mostly 2015-2017)", published="2019-09-26",
                    # MHCLG's File 7 (all scores, ranks, deciles and denominators) holds every column of these files.
                    endpoint="https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/"
                             "file/845345/File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv"),
    "iod2025": dict(publisher="Ministry of Housing, Communities and Local Government (MHCLG), via humaniverse/IMD",
                    url="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
                    licence=OGL, period="IoD2025", repository="humaniverse/IMD",
                    endpoint="https://assets.publishing.service.gov.uk/media/691ded56d140bbbaa59a2a7d/"
                             "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"),
    "population": dict(publisher="Office for National Statistics",
                       url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
                       licence=OGL),
    "deaths2014": dict(publisher="Office for National Statistics",
                       url="https://www.ons.gov.uk/peoplepopulationandcommunity/birthsdeathsandmarriages/deaths/datasets/deathsregisteredbyareaofusualresidenceenglandandwales",
                       licence=OGL, period="2014", published="2016-01-27", repository="StatisticsNZ/demdata",
                       commit="fc0db297b334d6d453e3469a75f6b35c21a7fae5"),
    "le_msoa": dict(publisher="Office for National Statistics (user-requested dataset REQ3292)",
                    url="https://github.com/BCC-PHM/REQ-unemp-life-exp", licence=OGL, period="2016-20",
                    repository="BCC-PHM/REQ-unemp-life-exp", commit="0b0accf2c554c0f8555bd35d65c9ac8366efc1f0"),
    "local_health": dict(publisher="Public Health England / OHID Local Health", url="https://www.localhealth.org.uk/",
                         licence=OGL, period="2015-19", repository="psychty/local_estimates_of_mortality",
                         commit="d82e2379381decede550244a769abb4b9017681e"),
    "fingertips": dict(publisher="Office for Health Improvement and Disparities (Fingertips), via Trafford Data Lab",
                       licence=OGL, period="see file"),
    "els": dict(publisher="Office for National Statistics (Explore Local Statistics)",
                url="https://www.ons.gov.uk/explore-local-statistics/", licence=OGL, period="see file",
                repository="ONSdigital/explore-local-statistics-data", commit="4972c588d0c192839afc8fa54ae82cb3dc7721ed"),
    "health_index": dict(publisher="Office for National Statistics (Health Index for England), via humaniverse/healthyr",
                         url="https://www.ons.gov.uk/peoplepopulationandcommunity/healthandsocialcare/healthandwellbeing/datasets/healthindexscoresengland",
                         licence=OGL, period="2015-2021", repository="humaniverse/healthyr"),
    "fuel_poverty": dict(publisher="BEIS/DESNZ sub-regional fuel poverty statistics (attribution inferred), via Conall66/Fuel-Poverty-UK-Project",
                         url="https://www.gov.uk/government/collections/fuel-poverty-sub-regional-statistics",
                         licence=OGL + " (underlying data; repository has no licence file)",
                         repository="Conall66/Fuel-Poverty-UK-Project", commit="8238fa5e3608d92eabbdd6ed701c8d29acd08684"),
    "similar_areas": dict(publisher="Office for National Statistics (Explore Local Statistics app)",
                          url="https://github.com/ONSdigital/explore-local-statistics-app",
                          licence="MIT (Crown Copyright, Office for National Statistics)", period="2026 clusters",
                          repository="ONSdigital/explore-local-statistics-app",
                          commit="99fc2df3b9d0884cb6a234aa85e5c7549e89dc68"),
    "census2021": dict(publisher="Office for National Statistics (Census 2021)",
                       url="https://www.ons.gov.uk/datasets/TS021/editions/2021/versions/3",
                       licence=OGL, period="Census Day, 21 March 2021", published="2022-11-29"),
    "esp2013": dict(publisher="Eurostat (2013 European Standard Population)",
                    url="https://ec.europa.eu/eurostat/web/products-manuals-and-guidelines/-/ks-ra-13-028",
                    licence="Eurostat re-use policy (free re-use with acknowledgement)", period="2013", published="2013"),
    "boundaries": dict(publisher="Office for National Statistics (Open Geography Portal), via humaniverse/geographr",
                       url=GEOPORTAL, licence=OGL + " (contains OS data © Crown copyright and database right)",
                       repository="humaniverse/geographr"),
    "dfe_lait": dict(publisher="Department for Education (Local Authority Interactive Tool), re-publishing OHID, ONS, "
                             "DWP and DfE statistics", url="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
                     licence=OGL + " (the repository's MIT licence covers its code)", period="see file",
                     repository="dfe-analytical-services/local-authority-interactive-tool",
                     commit="2e30e3959a6ab8b2d22941b84764da41a40ac91b", published="2026-04-08"),
    "fingertips_api": dict(publisher="Office for Health Improvement and Disparities (Fingertips, Child and Maternal "
                                     "Health profile), via DfE CSC outcomes and enablers",
                           url="https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90284",
                           licence=OGL + " (the repository's MIT licence covers its code)", period="2010/11 to 2023/24",
                           repository="dfe-analytical-services/CSC_outcomes_and_enablers",
                           commit="2f5d11a431050523dab58810083259d3313029ae", published="2025-02-04"),
    "fingertips_live": dict(publisher="Office for Health Improvement and Disparities (Fingertips API)",
                            url="https://fingertips.phe.org.uk/", licence=OGL, period="see file"),
    "martinjc": dict(publisher="Office for National Statistics / Ordnance Survey, via martinjc/UK-GeoJSON",
                     url="https://github.com/martinjc/UK-GeoJSON", licence="CC BY 4.0 (contains OS data © Crown copyright [2014])",
                     repository="martinjc/UK-GeoJSON", commit="3ac3baa027550f390518eb9fb0427ffeea7f4279", period="2011 LSOAs"),
}

C_AND_W = ("E08000026", "E07000218", "E07000219", "E07000220", "E07000221", "E07000222")
FINGERTIPS_API = "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids={ids}"

FINGERTIPS_IDS = FILE_INDICATORS
FINGERTIPS_REPO = {  # extract folder -> (repository, HEAD commit the mirror copied from)
    "trafford_themes": ("traffordDataLab/trafford_themes", "ae20a088ae35b93b57843c79ee56e0072915db9e"),
    "corporate_plan": ("traffordDataLab/corporate_plan", "7c6549cb45c58c044bb6fd12ab019a36ed0ed9cf"),
    "dashboard": ("traffordDataLab/dashboard", "83e9bc0cd14d1fac19c743c1e5eece54e0145458"),
}


def _spec(mirror: Path) -> list[dict[str, Any]]:
    """Every catalogued file: id, group, path, title and per-file overrides."""
    s: list[dict[str, Any]] = []

    def add(group: str, id_: str, path: str, title: str, **extra: Any) -> None:
        s.append(dict(group=group, id=id_, path=path, title=title, **extra))

    g = "lookups"
    for id_, name, title, period, commit, path in [
        ("lsoa11_icb22", "geographr_lookup_lsoa11_sicbl22_icb22_ltla22.csv", "LSOA 2011 to sub-ICB, ICB and district (2022), England", "2022", "ae07d1e3432d28d21d2607b200c502c5fa6bf2d3", "data/lookup_lsoa11_sicbl22_icb22_ltla22.rda"),
        ("lsoa11_msoa11", "geographr_lookup_lsoa11_msoa11.csv", "LSOA 2011 to MSOA 2011 (England, Wales, Scottish data zones)", "2011", "1c8f469132c5be1668cbbd97401a789e222202b8", "data/lookup_lsoa11_msoa11.rda"),
        ("lsoa11_lsoa21", "geographr_lookup_lsoa11_lsoa21_ltla22.csv", "LSOA 2011 to LSOA 2021 best-fit lookup with change code", "2011-2021", "0470ab979ec56c0ad30e72c09b8091312d9b5f22", "data/lookup_lsoa11_lsoa21_ltla22.rda"),
        ("lsoa21_icb24", "geographr_lookup_lsoa21_icb24.csv", "LSOA 2021 to sub-ICB and ICB (2024), England", "2024", "8fa83ff1f9b5cebfc5c83dd4e28851a369f7ab2c", "data/lookup_lsoa21_icb24.rda"),
        ("lsoa21_ward24_ltla24", "geographr_lookup_lsoa21_ward24_ltla24.csv", "LSOA 2021 to ward and district (2024), England and Wales", "2024", "484d32b89ba6b8df291eade9b19b5f28da981467", "data/lookup_lsoa21_ward24_ltla24.rda"),
        ("ltla21_utla21", "geographr_lookup_ltla21_utla21.csv", "District to county/unitary authority (2021)", "2021", "1c8f469132c5be1668cbbd97401a789e222202b8", "data/lookup_ltla21_utla21.rda"),
        ("ltla23_utla23", "geographr_lookup_ltla23_utla23.csv", "District to county/unitary authority (2023)", "2023", "c5fb617c7ece85f0857d9c9f14ad6c5812dc87b0", "data/lookup_ltla23_utla23.rda"),
        ("ltla24_region24", "geographr_lookup_ltla24_region24.csv", "District to region (2024), England", "2024", "4d8f0df438611d9eb4c5747776f18473d0d888a3", "data/lookup_ltla24_region24.rda"),
        ("msoa11_ltla21", "geographr_lookup_msoa11_ltla21.csv", "MSOA 2011 to district (2021)", "2021", "1c8f469132c5be1668cbbd97401a789e222202b8", "data/lookup_msoa11_ltla21.rda"),
    ]:
        add(g, f"lookups.{id_}", f"lookups/{name}", title, period=period, commit=commit, repository_path=path,
            notes="Converted from .rda to CSV with pyreadr, values unchanged.")
    add(g, "lookups.lsoa21_msoa21_derived", "lookups/DERIVED_lookup_lsoa21_msoa21_ltla24_by_name.csv",
        "LSOA 2021 to MSOA 2021 and district (2024), DERIVED by name matching", period="2021/2024", official=False,
        publisher="derived in the mirror from humaniverse/geographr files (not an official product)",
        notes="NOT OFFICIAL: MSOA21 inferred by dropping the last letter of the LSOA21 name and matching MSOA21 names "
              "in geographr boundaries_msoa21. Verify against the ONS OA21/LSOA21/MSOA21 lookup before relying on it.")
    add(g, "lookups.ruc11_lsoa11", "lookups/geographr_ruc11_lsoa11.csv",
        "2011 rural-urban classification of LSOAs 2011, England and Wales", period="2011",
        publisher="Office for National Statistics (2011 rural-urban classification), via humaniverse/geographr",
        url="https://www.ons.gov.uk/methodology/geography/geographicalproducts/ruralurbanclassifications",
        commit="9ac2e76a97886ccd8a88308f375f4fdc4a06f528", repository_path="data/ruc11_lsoa11.rda",
        notes="Converted from .rda to CSV with pyreadr, values unchanged. ruc11_code is the ONS class (A1-E2); "
              "geographr added ruc (Urban for A-C, Rural for D-E) and classification, a broad four-group label "
              "(e.g. 'Rural village' for E1 and E2), not the ONS class name.")

    g = "imd2019"
    add(g, "imd2019.file1_imd", "imd2019_lsoa/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
        "IoD2019 File 1: Index of Multiple Deprivation rank and decile by LSOA 2011",
        repository="anetobradley/energy_flex", commit="9ed0574760bbe6fa7ac41205d9bef62fe83feb48",
        notes="UTF-8 BOM; ranks with thousands separators in quotes.")
    add(g, "imd2019.file2_domains", "imd2019_lsoa/File_2_-_IoD2019_Domains_of_Deprivation.csv",
        "IoD2019 File 2: IMD and domain ranks and deciles by LSOA 2011",
        repository="anetobradley/energy_flex", commit="f0b011f0584411df8f64fb06fea7fa0cd2fa4b71")
    add(g, "imd2019.file6_population", "imd2019_lsoa/File_6_-_IoD2019_Population_Denominators.csv",
        "IoD2019 File 6: population denominators (mid-2015) by LSOA 2011", period="mid-2015",
        repository="anetobradley/energy_flex", commit="9ed0574760bbe6fa7ac41205d9bef62fe83feb48")
    add(g, "imd2019.score", "imd2019_lsoa/nhsrpopulation_imd2019_lsoa11_score_decile.csv",
        "IMD 2019 score and decile by LSOA 2011 (from File 7, via NHSRpopulation)",
        repository="nhs-r-community/NHSRpopulation", commit="17911129638fcc84f45f9c59d2585e349c1f235a")
    add(g, "imd2019.income_employment_scores", "imd2019_lsoa/mysociety_UK_IMD_E_england_rows_imd2019_income_employment_scores.csv",
        "IMD 2019 income and employment domain scores (x100) by LSOA 2011 (subset of mySociety composite UK IMD)",
        repository="mysociety/composite_uk_imd", commit="188c12c5e74358bc49ba367aabc71ff13b0ef9ef",
        notes="Subset: England rows and 5 columns kept by the mirror; income/employment are rates x 100.")

    add("iod2025", "iod2025.lsoa21", "iod2025_lsoa/humaniverse_imd2025_england_lsoa21.csv",
        "IoD2025 IMD and domain scores, ranks and deciles by LSOA 2021 (from File 7)",
        commit="a9cf28d4848c1a5f7928bfef6877e1654ae7edd7", repository_path="data/imd2025_england_lsoa21.rda")

    g = "population"
    add(g, "population.lsoa11_syoa_sex_2019_cw", "population/nhsrpopulation_sape22dt2_mid2019_lsoa11_syoa_sex_CovWarks.csv",
        "Mid-2019 LSOA 2011 population by sex and single year of age (SAPE22DT2), Coventry and Warwickshire subset",
        period="mid-2019", repository="nhs-r-community/NHSRpopulation", commit="17911129638fcc84f45f9c59d2585e349c1f235a",
        url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/lowersuperoutputareamidyearpopulationestimates",
        notes="Subset to the 534 C&W LSOA11s by the mirror. Age 90 = 90 and over.")
    for year, repo, commit, src in [
        (2019, "TheDebata/Young-Claimants-by-LA", "5af31924fe12551c938a1d0dabc26329f3717644", "ukmidyearestimates20192020ladcodes.xls"),
        (2021, "lawclaw/group25-project", "c3fb534019894365c3e684cf72071a82c9c7f66a", "data/ukpopestimatesmid2021on2021geographyfinal.xls"),
        (2022, "ingridientzzz/cct_ca2_dvt", "9d071b6bf236df26c1bc6f886acb33c8820b9825", "data/mye22final.xlsx"),
    ]:
        add(g, f"population.mye2_{year}", f"population/ons_mye2_mid{year}_syoa_sex_all_uk_areas.csv",
            f"ONS mid-{year} population estimates (MYE2) by sex and single year of age, all UK areas", period=f"mid-{year}",
            url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/populationestimatesforukenglandandwalesscotlandandnorthernireland",
            repository=repo, commit=commit, repository_path=src, notes="Reshaped long from the MYE2 sheets by the mirror; age 90 = 90 and over.")
    add(g, "population.mye2_2023", "population/mye23tablesew.xlsx",
        "ONS mid-2023 population estimates (MYE2) by sex and single year of age, England and Wales local "
        "authorities, counties, regions and countries", period="mid-2023", published="2024-07-15",
        url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/populationestimatesforukenglandandwalesscotlandandnorthernireland",
        repository="dfe-analytical-services/CSC_outcomes_and_enablers",
        commit="1329930840af1494de032849c2f07a5d58e08f61", repository_path="data-raw/mye23tablesew.xlsx",
        format="xlsx",
        notes="The official ONS workbook byte for byte (2023 local authority boundaries). Read from the sheets "
              "'MYE2 - Males' and 'MYE2 - Females' (header row: Code, Name, Geography, All ages, 0, 1, ..., 89, "
              "90+); the catalogue's columns are the workbook's sheet names. Age 90 = 90 and over.")
    add(g, "population.imd2019_decile_2020", "population/ons_population_by_imd2019_decile_sex_syoa_england_mid2020.csv",
        "Population by sex, single year of age and IMD 2019 decile, England, mid-2020", period="mid-2020",
        repository="opensafely/representativeness", commit="cd1bb2b703703533f2a295ec635e02423db1c517",
        repository_path="data/populationbyimdenglandandwales2020.xlsx", url="https://github.com/opensafely/representativeness")

    g = "deaths2014"
    base = "data-raw/ONS_Deaths/deathsarea2014tcm77431322/"
    for sheet, title, header_row in [
        ("Table_2", "Deaths by area of usual residence, sex and age, 2014 registrations (Table 2)", 5),
        ("Table_1a", "Deaths and age-standardised mortality rates by area of usual residence, 2014 (Table 1a)", 9),
    ]:
        repo_path = base + sheet.replace("_", " ") + "-Table 1.csv"
        add(g, f"deaths2014.{sheet.lower()}", f"ons_deaths_area_2014/deathsarea2014_{sheet}.csv", title,
            header_row=header_row, repository_path=repo_path,
            download_url=RAW.format(repo="StatisticsNZ/demdata", commit=GROUPS[g]["commit"], path=repo_path.replace(" ", "%20")))
    mye = "data-raw/ONS_Deaths/MYE2_population_by_sex_and_age_for_local_authorities_UK_2014/"
    for sex in ("males", "females"):
        repo_path = mye + f"UK {sex}-Table 1.csv"
        add(g, f"deaths2014.mye2_{sex}", f"ons_deaths_area_2014/MYE2_mid2014_UK_{sex}.csv",
            f"ONS mid-2014 population estimates (MYE2), {sex}, single year of age, all UK areas", period="mid-2014",
            header_row=2, repository_path=repo_path, published="unknown",
            download_url=RAW.format(repo="StatisticsNZ/demdata", commit=GROUPS[g]["commit"], path=repo_path.replace(" ", "%20")))

    add("le_msoa", "life_expectancy.msoa11_2016_20", "life_expectancy_msoa/ons_REQ3292_life_expectancy_msoa11_england_2016_2020.csv",
        "Life expectancy at birth by MSOA 2011 with deaths, person-years and 95% CIs, 2016 to 2020 (ONS REQ3292)",
        repository_path="data/REQ3292_LifeExpectancy_2011MSOAs_England_2016_to_2020.xlsx",
        notes="xlsx sheet Data converted to CSV, values unchanged; includes 410 Welsh MSOAs.")

    g = "local_health"
    for level, n in [("msoa", "msoa_file_local_health_mortality_le.csv"), ("ltla", "ltla_file_local_health_mortality_le.csv")]:
        add(g, f"local_health.{level}", f"local_health_msoa/{n}",
            f"Local Health: life expectancy and standardised mortality ratios by {level.upper()}, 2015-19",
            repository_path=n, download_url=RAW.format(repo=GROUPS[g]["repository"], commit=GROUPS[g]["commit"], path=n),
            notes="Point estimates only (no CIs, no counts). SMR: England = 100.")

    if mirror.is_dir():
        for folder in ("trafford_themes", "corporate_plan", "dashboard"):
            for f in sorted((mirror / "fingertips_trafford" / folder).glob("*.csv")):
                ids = FINGERTIPS_IDS[f.stem]
                theme, stem = f.stem.split("__", 1)
                repo_path = f"data/{theme}/{stem}.csv"
                add("fingertips", f"fingertips.{folder}.{f.stem}", f"fingertips_trafford/{folder}/{f.name}",
                    f"Fingertips indicator {ids}: {f.stem.split('__', 1)[1].replace('_', ' ')} ({folder} extract)",
                    url=FINGERTIPS_API.format(ids=ids), repository=FINGERTIPS_REPO[folder][0],
                    repository_path=repo_path, commit=FINGERTIPS_REPO[folder][1],
                    download_url=RAW.format(repo=FINGERTIPS_REPO[folder][0], commit=FINGERTIPS_REPO[folder][1], path=repo_path),
                    endpoint=[u for i in ids.split(",") for u in fingertips_source.endpoints(i, fingertips_source.DEFAULT)],
                    notes=f"Fingertips indicator id(s) {ids}; repository HEAD commit (per-file commits in the mirror SOURCES.md).")
        for f in sorted((mirror / "ons_explore_local_statistics" / "data").glob("*.csv")):
            meta = json.loads((mirror / "ons_explore_local_statistics" / "metadata" / f"{f.stem}.json").read_text("utf-8-sig"))
            shared = _els_shared(meta)
            published = "unknown"
            if shared.get("sourceDate"):
                try:
                    published = dt.datetime.strptime(shared["sourceDate"], "%d/%m/%Y").date().isoformat()
                except ValueError:
                    pass
            extra = {"url": shared["sourceURL"]} if str(shared.get("sourceURL", "")).startswith("http") else {}
            add("els", f"els.{f.stem}", f"ons_explore_local_statistics/data/{f.name}",
                f"Explore Local Statistics: {f.stem.replace('-', ' ')}", published=published,
                publisher=f"{shared.get('sourceOrg', 'Office for National Statistics')} (via ONS Explore Local Statistics)",
                repository_path=f"{f.stem}/{f.name}",
                download_url=RAW.format(repo=GROUPS["els"]["repository"], commit=GROUPS["els"]["commit"], path=f"{f.stem}/{f.name}"),
                endpoint=ons_source.endpoint(f.stem, ons_source.DEFAULT), **extra)
            add("els", f"els_metadata.{f.stem}", f"ons_explore_local_statistics/metadata/{f.stem}.json",
                f"Explore Local Statistics metadata: {f.stem.replace('-', ' ')}", format="json", published=published,
                repository_path=f"{f.stem}/{f.stem}.json",
                download_url=RAW.format(repo=GROUPS["els"]["repository"], commit=GROUPS["els"]["commit"], path=f"{f.stem}/{f.stem}.json"))
        # Files a refresh took from Fingertips itself (a vintage made by `phna data refresh --source fingertips`).
        for f in sorted((mirror / "fingertips_live").glob("*.csv"), key=lambda f: int(f.stem) if f.stem.isdigit() else 0):
            add("fingertips_live", fingertips_source.source_id(f.stem), fingertips_source.path_of(f.stem),
                f"Fingertips indicator {f.stem}: districts, counties and unitary authorities, regions and England, "
                "from the Fingertips API", endpoint=list(fingertips_source.endpoints(f.stem, fingertips_source.DEFAULT)),
                notes="The Fingertips API's full CSV layout (one response per area type, stacked): values, 95 % and "
                      "99.8 % limits, counts, denominators, OHID's comparisons and recent trend.")
        for f in sorted((mirror / "fuel_poverty").glob("*.csv")):
            year = int(f.stem.split("_")[-2])
            add("fuel_poverty", f"fuel_poverty.{year}", f"fuel_poverty/{f.name}",
                f"Sub-regional fuel poverty by district, England, {year} ({'LILEE' if year >= 2019 else 'LIHC'} definition)",
                period=str(year), repository_path=f"Consistent Area Codes/{f.name.removeprefix('conall66_')}",
                download_url=RAW.format(repo=GROUPS["fuel_poverty"]["repository"], commit=GROUPS["fuel_poverty"]["commit"],
                                        path=f"Consistent%20Area%20Codes/{f.name.removeprefix('conall66_')}"))

    g = "health_index"
    for id_, n, title, commit in [
        ("indicators", "healthyr_england_health_index_indicators.csv", "ONS Health Index for England: 56 indicator values by district and year", "7afee880cbf83b5eb64260d078a5a133c42eef29"),
        ("scores", "healthyr_england_health_index.csv", "ONS Health Index for England: overall and domain scores by district and year", "4385cf663a61e7b6f2ad26d50e652af7a3934c55"),
        ("ics", "healthyr_england_health_index_ics.csv", "ONS Health Index for England: overall and domain scores by ICB (2022) and year", "d04ab346d2530e32dc1d5ec41e3c6d9f2572ac28"),
    ]:
        add(g, f"health_index.{id_}", f"ons_health_index/{n}", title, commit=commit)

    g = "similar_areas"
    for kind in ("global", "economic", "demographic"):
        p = f"scripts/config/clusters/{kind}-neighbours.csv"
        add(g, f"similar_areas.{kind}", f"comparators_ons_similar_areas/ons_els_{kind}-neighbours.csv",
            f"ONS similar areas: 20 nearest neighbours per local authority ({kind} indicator set)", repository_path=p,
            download_url=RAW.format(repo=GROUPS[g]["repository"], commit=GROUPS[g]["commit"], path=p),
            notes="NOT the CIPFA nearest-neighbour model.")

    add("esp2013", "esp2013.pheindicatormethods", "esp2013/PHEindicatormethods_esp2013.csv",
        "2013 European Standard Population, 19 five-year bands 0-4 to 90+ (PHEindicatormethods esp2013)",
        repository="ukhsa-collaboration/PHEindicatormethods", commit="4295d9ea20269bea244486c3ef1d38191852a109",
        repository_path="data/esp2013.rda")
    p = "analysis/european_standard_population.csv"
    add("esp2013", "esp2013.opensafely", "esp2013/opensafely_european_standard_population.csv",
        "2013 European Standard Population with age group labels (opensafely copy)", repository="opensafely/medication-reviews",
        commit="32c71d1fa12af9038404aacf1696a35db8f5ac57", repository_path=p,
        download_url=RAW.format(repo="opensafely/medication-reviews", commit="32c71d1fa12af9038404aacf1696a35db8f5ac57", path=p))

    g = "census2021"
    disclosure = ("ONS note: records were swapped between areas and counts perturbed by small amounts to protect "
                  "against disclosure, so small-area sums differ slightly from district totals.")
    repo, commit = "PsychedPhalanx/LSOAs-England-and-Wales", "b9a16242390c49417736521f7326225499994e8d"
    add(g, "census2021.ethnicity_lsoa21", "census2021_ethnicity/nomis_ts021_ethnic_group_5_lsoa21_ew.csv",
        "Census 2021 TS021 ethnic group (5 broad groups), usual residents by LSOA 2021, England and Wales (Nomis)",
        publisher="Office for National Statistics (Census 2021), via Nomis", header_row=6,
        url="https://www.nomisweb.co.uk/datasets/c2021ts021", repository=repo, commit=commit,
        repository_path="Data/LSOA Ethnicity.csv",
        download_url=RAW.format(repo=repo, commit=commit, path="Data/LSOA%20Ethnicity.csv"),
        notes="Nomis extract: 7 title lines, header, a blank line, 35,672 rows ('code : name' in the area column), "
              "then a 4-line disclosure note. " + disclosure)
    add(g, "census2021.lsoa21_lad23", "census2021_ethnicity/ons_lsoa21_lad23_lookup_ew.csv",
        "LSOA 2021 to local authority district (2023) lookup, England and Wales", period="2023",
        publisher="Office for National Statistics (Open Geography Portal)", url=GEOPORTAL, repository=repo,
        commit=commit, repository_path="Data/LSOA LAD Lookup.csv", published="unknown",
        download_url=RAW.format(repo=repo, commit=commit, path="Data/LSOA%20LAD%20Lookup.csv"), notes="UTF-8 with BOM.")
    repo, commit = "XueqingYin/COVID-19", "99560e866b43c8da7babd9fda8acf03fa7559d97"
    add(g, "census2021.ethnicity_msoa21", "census2021_ethnicity/census2021-ts021-msoa.csv",
        "Census 2021 TS021 ethnic group (5 broad and 19 detailed groups), usual residents by MSOA 2021, England and Wales",
        publisher="Office for National Statistics (Census 2021 bulk file, via Nomis)",
        url="https://www.nomisweb.co.uk/sources/census_2021_bulk", repository=repo, commit=commit,
        repository_path="census2021-ts021-msoa.csv",
        download_url=RAW.format(repo=repo, commit=commit, path="census2021-ts021-msoa.csv"),
        notes="The unmodified Nomis bulk file. " + disclosure)
    repo, commit = "ONSvisual/dot-density-data", "12ecaf83f869b8e1d4f5462c88c1736384c0f4f1"
    add(g, "census2021.ethnicity_percent", "census2021_ethnicity/onsvisual_ethnic_group_tb_6a_lad_region_country_pct.csv",
        "Census 2021 ethnic group (5 broad groups): percentage of usual residents, districts, regions and England",
        publisher="Office for National Statistics (Census 2021), via ONSvisual/dot-density-data",
        url="https://github.com/ONSvisual/dot-density-data", repository=repo, commit=commit,
        repository_path="output/data/lad/ew/ethnic_group_tb_6a.csv",
        download_url=RAW.format(repo=repo, commit=commit, path="output/data/lad/ew/ethnic_group_tb_6a.csv"),
        notes="Percentages to 1 decimal; columns -001 to -005 are labelled in census2021.ethnicity_categories. "
              "Repository HEAD commit; the file was last changed in commit 450e280f.")
    add(g, "census2021.ethnicity_categories", "census2021_ethnicity/onsvisual_content.json",
        "Census 2021 maps: category labels and metadata (ONSvisual content file)", format="json",
        publisher="Office for National Statistics, via ONSvisual/dot-density-data",
        url="https://github.com/ONSvisual/dot-density-data", repository=repo, commit=commit,
        repository_path="output/data/content.json",
        download_url=RAW.format(repo=repo, commit=commit, path="output/data/content.json"))

    for level, commit, title in [
        ("lsoa11", "5693d0c9222ff384a3af421e0f0ca5da40945d27", "LSOA 2011, England and Wales"),
        ("msoa11", "ff9c1439d938ed64a845bc3c7028fb2fa564a61a", "MSOA 2011, England and Wales"),
        ("lsoa21", "500a3a48f3cd45356effbd3f7bf3c52be040376f", "LSOA 2021, England and Wales"),
        ("msoa21", "897a731f80988307896ce3919f76909ff85327ec", "MSOA 2021, England and Wales"),
        ("ltla24", "54554c657ecd6110923b6be9089f260a60f456ae", "local authority districts 2024, UK"),
        ("utla21", "cf822d02988af10a31367a58f1dfe1895b57f00c", "counties and unitary authorities 2021"),
        ("icb22", "c714f06042996154170ec92d25057785fb0326f4", "integrated care boards 2022, England"),
    ]:
        add("boundaries", f"boundaries.{level}", f"boundaries/geographr_boundaries_{level}.geojson",
            f"Boundaries (super-generalised, simplified): {title}", format="geojson", commit=commit,
            period=level[-2:] and f"20{level[-2:]}", repository_path=f"data/boundaries_{level}.rda",
            notes="sf object converted to GeoJSON (WGS84, 6 decimals) by the mirror; very coarse, for choropleths only.")
    for code in C_AND_W:
        p = f"json/statistical/eng/lsoa_by_lad/{code}.json"
        add("martinjc", f"boundaries.lsoa11_detailed_{code.lower()}", f"boundaries/martinjc_lsoa2011_by_lad/{code}.json",
            f"Boundaries: LSOA 2011 (less generalised) in district {code}", format="geojson", repository_path=p,
            download_url=RAW.format(repo="martinjc/UK-GeoJSON", commit=GROUPS["martinjc"]["commit"], path=p))
    # Best start in life: DfE LAIT and the Fingertips API extract of indicator 90284.
    g = "dfe_lait"
    for id_, name, title, fmt, notes in [
        ("bds_long", "bds_long_0.parquet", "DfE LAIT: children and young people measures for England, regions and "
         "upper-tier local authorities, all years (values only)", "parquet",
         "Areas by name and DfE LA number (no ONS codes); values as text, '-' or 'x' where suppressed; no "
         "confidence limits or counts. Years are the calendar year a financial or academic year ends in."),
        ("data_dictionary", "lait_data_dictionary.csv", "DfE LAIT data dictionary: label, source, owner, methodology "
         "and polarity of each measure", "csv", None),
    ]:
        p = f"01_data/02_prod/{name}"
        add(g, f"dfe_lait.{id_}", f"children_dfe_lait/{name}", title, format=fmt, repository_path=p,
            download_url=RAW.format(repo=GROUPS[g]["repository"], commit=GROUPS[g]["commit"], path=p),
            **({"notes": notes} if notes else {}))
    g = "fingertips_api"
    for id_, name, what in [("child_injuries_la", "la_hospital_admissions_2324.csv",
                             "counties and unitary authorities (April 2023) and England, with England by deprivation decile"),
                            ("child_injuries_region", "region_hospital_admissions_2324.csv",
                             "regions and England, with each authority's comparison with its region")]:
        p = f"data-raw/{name}"
        add(g, f"fingertips_api.{id_}", f"fingertips_child_injuries/{name}",
            f"Fingertips indicator 90284: hospital admissions caused by injuries in children aged 0-14, {what}",
            repository_path=p, download_url=RAW.format(repo=GROUPS[g]["repository"], commit=GROUPS[g]["commit"], path=p),
            endpoint=list(fingertips_source.endpoints("90284", fingertips_source.DEFAULT)),
            notes="The Fingertips API's full CSV layout: values, 95 % and 99.8 % limits, counts, denominators, "
                  "OHID's comparisons and recent trend. Crude rate per 10,000 aged 0-14.")
    return s


def _els_shared(meta: dict) -> dict:
    body = meta.get("ess-beta-metadata", meta)
    return body.get("shared", body) if isinstance(body, dict) else {}


def build(mirror: Path) -> dict[str, Any]:
    """Return the catalogue document for the files of ``mirror``."""
    if re.match(r"^\d{4}-\d{2}-\d{2}", mirror.name):  # a refresh vintage: its folder name is the date
        mirror_date = mirror.name[:10]
    else:
        mirror_date = dt.date.fromtimestamp((mirror / "README.md").stat().st_mtime).isoformat()
    sources = []
    for spec in _spec(mirror):
        group = spec.pop("group")
        entry: dict[str, Any] = {"id": spec["id"], "title": spec["title"]}
        merged = {**GROUPS[group], **spec}
        path = mirror / merged["path"]
        fmt = merged.get("format", "csv")
        header_row = merged.get("header_row", 0)
        columns = [c for c in read_columns(path, fmt, header_row) if c]
        entry.update(
            publisher=merged["publisher"], url=merged.get("url") or f"https://github.com/{merged['repository']}",
            licence=merged["licence"], period=merged.get("period", "see title"),
            published=merged.get("published", "unknown"), accessed=mirror_date,
            accessed_note="date the public mirror was made; the original download date is not recorded",
        )
        for key in ("download_url", "endpoint", "repository", "repository_path", "commit"):
            if merged.get(key):
                entry[key] = merged[key]
        entry.update(path=merged["path"], sha256=sha256(path), size=path.stat().st_size, format=fmt)
        if header_row:
            entry["header_row"] = header_row
        entry["columns"] = columns
        entry["official"] = merged.get("official", True)
        if merged.get("notes"):
            entry["notes"] = merged["notes"]
        sources.append(entry)
    return {"version": 1, "mirror_date": mirror_date,
            "description": "Every source file the book reads, with provenance and checksums. Generated by "
                           "`python -m phna.data.catalogue_build`; edit provenance there, not here.",
            "sources": sources}


def write(mirror: Path) -> int:
    """Regenerate ``data/catalogue.yaml`` from the files of ``mirror``; return the number of entries."""
    doc = build(mirror)
    text = "# Data catalogue of phna (generated; see src/phna/data/catalogue_build.py)\n" + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)
    catalogue_path().write_text(text, encoding="utf-8")
    return len(doc["sources"])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    mirror = Path(argv[0]) if argv else mirror_location()
    if not isinstance(mirror, Path):
        print("a local mirror directory is needed", file=sys.stderr)
        return 2
    print(f"wrote {write(mirror)} entries to {catalogue_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
