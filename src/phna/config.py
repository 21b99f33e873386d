"""The book's one configuration file: places, chapters and default parameters, validated.

``analyses/config.yaml`` is checked against ``config.schema.json`` (unknown keys are errors) and then
against the geography lookups (unknown district, LSOA or comparator codes are errors). Places are data,
not code: a place is a set of districts or a list of LSOAs, so any English area can be added by editing
the file.

Each chapter declares the parameters it takes (``takes``); :func:`phna.parameters.resolve` merges them in
this order, later winning: ``defaults`` → the chapter's ``parameters`` → the place's ``parameters`` → values
given on the command line (``phna run -p name value``), and refuses a parameter the chapter does not take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from phna import data as phna_data
from phna import geography
from phna import paths
from phna.errors import ConfigError
from phna.parameters import ENGLAND, config_schema, known_area_codes, refuse_untaken, resolve
from phna.parameters import schema_errors as _schema_errors


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
    #: Set only for the ICB itself; any other place's ICB comes from the geography lookups
    #: (:func:`phna.geography.place_areas`), so a place outside the ICB is never told it is in it.
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
    takes: tuple[str, ...] = ()  # the parameters the chapter takes (see phna.parameters.PARAMETERS)

    @property
    def periods(self) -> bool:
        """True when the chapter can show a chosen ``period``, not only each series' latest."""
        return "period" in self.takes


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


def _comparators(place: Place, entry: Mapping[str, Any], defaults: Mapping[str, Any], lookups: bool) -> tuple[str, ...]:
    """A place's comparators: its own ``parameters``, else the configuration's ``defaults``, else England and the
    place's region from the geography lookups (England alone without the lookups, or for a place in two regions)."""
    given = entry.get("parameters", {}).get("comparators", defaults.get("comparators"))
    if given is not None:
        return tuple(given)
    if not lookups:
        return (ENGLAND,)
    try:
        return geography.default_comparators(place)
    except phna_data.DataError as exc:  # an unknown district or LSOA code
        raise ConfigError(str(exc)) from None


def schema() -> dict:
    """The JSON Schema the configuration file must satisfy."""
    return config_schema()


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
        replace(place, comparators=_comparators(place, p, defaults, check_codes))
        for p in data["places"]
        for place in [Place(
            slug=p["slug"],
            name=p["name"],
            kind=p["kind"],
            districts=tuple(p.get("districts", ())),
            lsoas=tuple(p.get("lsoas", ())),
            description=p.get("description", ""),
            parameters=dict(p.get("parameters", {})),
            icb_code=icb.get("code") if p["kind"] == "icb" else None,
        )]
    )
    icb_name = icb.get("name")
    if icb.get("code") and not icb_name and check_codes:
        icb_name = "NHS " + geography.icb_name(icb["code"])

    def chapter(c: Mapping[str, Any], scope: str) -> Chapter:
        template = (root / c["template"]).resolve()
        if not template.is_file():
            raise ConfigError(f"{path}: chapter {c['id']!r}: template not found: {template}")
        if "periods" in c and c["periods"] != ("period" in c.get("takes", ())):
            raise ConfigError(
                f"{path}: chapter {c['id']!r} says periods: {str(c['periods']).lower()} but its takes list "
                + ("does not have" if c["periods"] else "has")
                + " period; list the parameters it takes in takes (period among them when it can show a chosen "
                "period) and drop periods"
            )
        return Chapter(
            id=c["id"],
            title=c["title"],
            template=template,
            scope=c.get("scope", scope),
            parameters=dict(c.get("parameters", {})),
            takes=tuple(c.get("takes", ())),
        )

    config = Config(
        path=path.resolve(),
        title=data["book"]["title"],
        author=data["book"].get("author", ""),
        icb_code=icb.get("code"),
        icb_name=icb_name,
        defaults=defaults,
        places=places,
        chapters=tuple(chapter(c, "place") for c in data["chapters"]),
        icb_pages=tuple(
            chapter({**c, "scope": "place" if c.get("per_place") else "icb"}, "icb") for c in data.get("icb_pages", [])
        ),
        plus_groups=tuple(data.get("plus_groups", ())),
    )
    _check_declarations(config)
    if check_codes:
        check_area_codes(config)
    return config


def _check_declarations(config: Config) -> None:
    """A chapter's own parameters must be ones it takes; a place's parameters must be taken by some chapter."""
    everything = (*config.chapters, *config.icb_pages)
    for chapter in everything:
        refuse_untaken(chapter.id, chapter.takes, chapter.parameters, where=f" in {config.path.name}")
    taken = {name for chapter in everything for name in chapter.takes}
    for place in config.places:
        unused = sorted(set(place.parameters) - taken)
        if unused:
            raise ConfigError(
                f"{config.path.name}: place {place.slug!r} sets {', '.join(unused)}, which no chapter takes"
            )


def check_area_codes(config: Config) -> None:
    """Raise ConfigError if a district, LSOA or comparator code is not in the geography lookups."""
    known_districts = set(phna_data.district_lookup()["district_code"])
    known_areas = known_area_codes()
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
    """The values a chapter's template receives for a place: :func:`phna.parameters.resolve` as a dict."""
    return resolve(config, chapter, place, overrides).as_dict()


# ------------------------------------------------------------------------------------ another ICB's book
def icb_places(icb_code: str, by: str = "district") -> list[dict[str, Any]]:
    """Default places of an ICB's book: one per district (``by="district"``) or per upper-tier authority
    (``by="upper-tier"``: a county's districts in the ICB together, a unitary authority on its own).

    Returns
    -------
    list of dict
        ``slug``, ``name``, ``kind`` ("district" or "place"), ``districts``, in name order.
    """
    if by not in ("district", "upper-tier"):
        raise ConfigError(f"icb_places: by must be 'district' or 'upper-tier', not {by!r}")
    districts = geography.icb_districts(icb_code)
    lookup = phna_data.district_lookup().set_index("district_code")
    names = geography.area_names()
    groups: dict[str, list[str]] = {}
    for code in districts:
        county = lookup["county_code"].get(code) if code in lookup.index else None
        key = str(county) if by == "upper-tier" and isinstance(county, str) and county.startswith("E10") else code
        groups.setdefault(key, []).append(code)
    out = []
    for key, members in groups.items():
        name = names.get(key, key)
        out.append({"slug": slugify(name), "name": name, "kind": "district" if len(members) == 1 else "place",
                    "districts": sorted(members)})
    return sorted(out, key=lambda p: p["name"])


def slugify(name: str) -> str:
    """"Stratford-on-Avon" → "stratford-on-avon"; "King's Lynn and West Norfolk" → "kings-lynn-and-west-norfolk"."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")
    return text or "place"


def icb_config_data(icb_code: str, by: str = "district", template: str | Path | None = None) -> dict[str, Any]:
    """The configuration of an ICB's book: this book's chapters and defaults, the ICB's name from the lookups,
    the ICB as a place and one place per district (``by="district"``) or upper-tier authority
    (``by="upper-tier"``).

    Parameters
    ----------
    icb_code : str
        An ICB code such as E54000055 (Birmingham and Solihull).
    by : {"district", "upper-tier"}, default "district"
    template : path-like, optional
        The configuration whose book title pattern, defaults, chapters, ICB pages and PLUS groups are reused
        (default ``analyses/config.yaml``).
    """
    base = yaml.safe_load(Path(template or paths.config_path()).read_text(encoding="utf-8"))
    try:
        short = geography.icb_name(icb_code)
    except phna_data.DataError as exc:
        raise ConfigError(f"{exc}: ICB codes look like E54000055 (see the LSOA lookups' icb_code column)") from None
    area = short.removesuffix(" ICB")
    places = [{"slug": "icb", "name": short, "kind": "icb", "districts": list(geography.icb_districts(icb_code))}]
    places += icb_places(icb_code, by)
    data = {
        "book": {"title": f"Population health needs in {area}", "author": base["book"].get("author", "")},
        "icb": {"code": icb_code, "name": f"NHS {short}"},
        "defaults": {k: v for k, v in base["defaults"].items() if k != "comparators"},
        "places": places,
        "chapters": base["chapters"],
    }
    for key in ("icb_pages", "plus_groups"):
        if base.get(key):
            data[key] = base[key]
    return data


def write_icb_config(icb_code: str, out: str | Path, by: str = "district", template: str | Path | None = None) -> Path:
    """Write :func:`icb_config_data` as YAML to ``out`` (template paths kept relative to the repository) and
    check it loads."""
    out = Path(out)
    data = icb_config_data(icb_code, by, template)
    header = (f"# The book of {data['icb']['name']}, written by `phna config new --icb {icb_code}`.\n"
              "# Edit the places as in analyses/config.yaml; each is compared with England and its own region.\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    load_config(out)
    return out
