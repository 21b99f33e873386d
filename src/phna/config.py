"""The book's one configuration file: places, chapters and default parameters, validated.

``analyses/config.yaml`` is checked against ``config.schema.json`` (unknown keys are errors) and then
against the geography lookups (unknown district, LSOA or comparator codes are errors). Places are data,
not code: a place is a set of districts or a list of LSOAs, so any English area can be added by editing
the file.

Parameters reach a chapter in this order, later winning: ``defaults`` → the chapter's ``parameters`` →
the place's ``parameters`` → values given on the command line (``phna run -p name value``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import jsonschema
import yaml

from phna import paths
from phna.errors import ConfigError

ENGLAND = "E92000001"

#: Parameters every chapter template receives, with their meaning (shown by ``phna run --help``).
PARAMETER_HELP = {
    "place": "slug of the place the chapter is about",
    "comparators": "area codes to compare with (England E92000001, a region such as E12000005)",
    "deprivation_index": "imd2019 or iod2025",
    "confidence": "confidence level(s) for intervals, e.g. 0.95 or [0.95, 0.998]",
    "period": "'latest' or a period label such as 2019-21",
}


@dataclass(frozen=True)
class Place:
    """A place the book reports on: an ICB, an ICS place, a district or a list of LSOAs."""

    slug: str
    name: str
    kind: str
    districts: tuple[str, ...] = ()
    lsoas: tuple[str, ...] = ()
    description: str = ""
    comparators: tuple[str, ...] = (ENGLAND,)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    icb_code: str | None = None

    @property
    def is_icb(self) -> bool:
        return self.kind == "icb"


@dataclass(frozen=True)
class Chapter:
    """A chapter template run once per place."""

    id: str
    title: str
    template: Path
    scope: str = "place"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    periods: bool = False  # True when the chapter can show a chosen `period`, not only the latest


@dataclass(frozen=True)
class Config:
    path: Path
    title: str
    author: str
    icb_code: str | None
    icb_name: str | None
    defaults: Mapping[str, Any]
    places: tuple[Place, ...]
    chapters: tuple[Chapter, ...]
    icb_pages: tuple[Chapter, ...] = ()
    plus_groups: tuple[Mapping[str, Any], ...] = ()

    def place(self, slug: str) -> Place:
        for place in self.places:
            if place.slug == slug:
                return place
        valid = ", ".join(p.slug for p in self.places)
        raise ConfigError(f"unknown place {slug!r}: the places in {self.path.name} are {valid}")

    def file_prefix(self, chapter_id: str, place_slug: str) -> str:
        """How a run's files are named: ``<chapter>-`` in the place's own folder, or ``<chapter>-<place>-``
        for an ICB page run per place (all places' runs share the page's folder)."""
        shared = any(c.id == chapter_id and c.scope == "place" for c in self.icb_pages)
        return f"{chapter_id}-{place_slug}-" if shared else f"{chapter_id}-"

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in (*self.chapters, *self.icb_pages):
            if chapter.id == chapter_id:
                return chapter
        valid = ", ".join(c.id for c in (*self.chapters, *self.icb_pages))
        raise ConfigError(f"unknown chapter {chapter_id!r}: the chapters are {valid}")


@lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON Schema the configuration file must satisfy."""
    text = resources.files("phna").joinpath("config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _schema_errors(data: Any, schema_: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema_)
    messages = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        messages.append(f"{where}: {error.message}")
    return messages


def load_config(path: str | Path | None = None, *, check_codes: bool = True) -> Config:
    """Read, validate and return the book configuration.

    Parameters
    ----------
    path : path-like, optional
        The YAML file; default ``analyses/config.yaml`` (or ``PHNA_CONFIG``).
    check_codes : bool, default True
        Also check every district, LSOA and comparator code against the geography lookups
        (needs the data mirror).

    Raises
    ------
    ConfigError
        Naming the file and every problem found.
    """
    path = Path(path) if path is not None else paths.config_path()
    if not path.is_file():
        raise ConfigError(f"configuration file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    problems = _schema_errors(data, schema())
    if problems:
        raise ConfigError(f"{path} is not a valid configuration:\n  " + "\n  ".join(problems))

    slugs = [p["slug"] for p in data["places"]]
    duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicated:
        raise ConfigError(f"{path}: place slugs must be unique; repeated: {', '.join(duplicated)}")
    ids = [c["id"] for c in data["chapters"] + data.get("icb_pages", [])]
    duplicated = sorted({s for s in ids if ids.count(s) > 1})
    if duplicated:
        raise ConfigError(f"{path}: chapter ids must be unique; repeated: {', '.join(duplicated)}")

    root = path.resolve().parent.parent if path.resolve().parent.name == "analyses" else paths.repo_root()
    icb = data.get("icb") or {}
    defaults = dict(data["defaults"])
    places = tuple(
        Place(
            slug=p["slug"],
            name=p["name"],
            kind=p["kind"],
            districts=tuple(p.get("districts", ())),
            lsoas=tuple(p.get("lsoas", ())),
            description=p.get("description", ""),
            comparators=tuple(p.get("parameters", {}).get("comparators", defaults.get("comparators", [ENGLAND]))),
            parameters=dict(p.get("parameters", {})),
            icb_code=icb.get("code"),
        )
        for p in data["places"]
    )

    def chapter(c: Mapping[str, Any], scope: str) -> Chapter:
        template = (root / c["template"]).resolve()
        if not template.is_file():
            raise ConfigError(f"{path}: chapter {c['id']!r}: template not found: {template}")
        return Chapter(
            id=c["id"],
            title=c["title"],
            template=template,
            scope=c.get("scope", scope),
            parameters=dict(c.get("parameters", {})),
            periods=bool(c.get("periods", False)),
        )

    config = Config(
        path=path.resolve(),
        title=data["book"]["title"],
        author=data["book"].get("author", ""),
        icb_code=icb.get("code"),
        icb_name=icb.get("name"),
        defaults=defaults,
        places=places,
        chapters=tuple(chapter(c, "place") for c in data["chapters"]),
        icb_pages=tuple(
            chapter({**c, "scope": "place" if c.get("per_place") else "icb"}, "icb") for c in data.get("icb_pages", [])
        ),
        plus_groups=tuple(data.get("plus_groups", ())),
    )
    if check_codes:
        check_area_codes(config)
    return config


def check_area_codes(config: Config) -> None:
    """Raise ConfigError if a district, LSOA or comparator code is not in the geography lookups."""
    from phna import data as phna_data  # imported here: reading lookups needs the data mirror

    districts = phna_data.district_lookup()
    known_districts = set(districts["district_code"])
    known_areas = known_districts | {ENGLAND}
    for column in ("county_code", "region_code"):
        if column in districts:
            known_areas |= set(districts[column].dropna())
    problems = []
    lsoa_codes: set[str] | None = None
    for place in config.places:
        unknown = [d for d in place.districts if d not in known_districts]
        if unknown:
            problems.append(f"place {place.slug!r}: unknown district code(s) {', '.join(unknown)}")
        if place.lsoas:
            if lsoa_codes is None:
                lsoa_codes = set(phna_data.lsoa11_lookup()["lsoa11_code"])
            unknown = [c for c in place.lsoas if c not in lsoa_codes]
            if unknown:
                problems.append(f"place {place.slug!r}: unknown LSOA 2011 code(s) {', '.join(unknown[:10])}")
        unknown = [c for c in place.comparators if c not in known_areas]
        if unknown:
            problems.append(f"place {place.slug!r}: unknown comparator code(s) {', '.join(unknown)}")
    unknown = [c for c in config.defaults.get("comparators", []) if c not in known_areas]
    if unknown:
        problems.append(f"defaults: unknown comparator code(s) {', '.join(unknown)}")
    if problems:
        raise ConfigError(f"{config.path}: " + "; ".join(problems))


def parameters_for(
    config: Config, chapter: Chapter, place: Place, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The parameters a chapter receives for a place, validated.

    Later sources win: config defaults, the chapter's parameters, the place's parameters, ``overrides``.
    """
    merged: dict[str, Any] = {**config.defaults, **chapter.parameters, **place.parameters, **(overrides or {})}
    check = {k: v for k, v in merged.items() if k != "place"}
    problems = _schema_errors(check, schema()["$defs"]["parameters"] | {"$defs": schema()["$defs"]})
    if problems:
        raise ConfigError(
            f"invalid parameters for chapter {chapter.id!r}, place {place.slug!r}:\n  " + "\n  ".join(problems)
        )
    if merged.get("period", "latest") != "latest" and not chapter.periods:
        raise ConfigError(
            f"chapter {chapter.id!r} shows the latest period of each of its series and does not take "
            f"period={merged['period']!r}; chapters that take a period: "
            + (", ".join(c.id for c in (*config.chapters, *config.icb_pages) if c.periods) or "none")
        )
    confidence = merged.get("confidence", [0.95])
    merged["confidence"] = [confidence] if isinstance(confidence, (int, float)) else list(confidence)
    merged["comparators"] = list(merged.get("comparators", [ENGLAND]))
    merged["place"] = place.slug
    merged["config_path"] = str(config.path)
    return merged
