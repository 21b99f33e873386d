"""The parameters of one chapter run: declared once, validated once, frozen.

Each chapter declares in ``analyses/config.yaml`` which parameters it takes (``takes: [...]``); its template's
cell tagged ``parameters`` declares exactly those (and ``place``). :func:`resolve` is the one function that turns
the configuration's defaults, the chapter's and the place's parameters and the values given on the command
line into a frozen :class:`Parameters` object: a parameter the chapter does not take is refused (naming what
it takes), and area codes are checked against the geography lookups. The runner calls it for every run before
any notebook runs; the page context calls the same function in the kernel. Analyses take this object (or the
plain values they need), never the page context: their signatures say what they use.

The meaning of each parameter is declared once, in :data:`PARAMETERS` (``phna run --help`` shows it):

"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

import jsonschema
import yaml

from phna import geography
from phna.errors import ConfigError

ENGLAND = "E92000001"
DEPRIVATION_INDICES = {"imd2019": "IMD 2019", "iod2025": "IMD 2025"}


@dataclass(frozen=True)
class Declaration:
    """What a parameter means and how a value given on the command line is read."""

    name: str
    meaning: str
    example: str
    read_as: str = "text"  # "text" (kept as given), "yaml" (numbers, lists) or "codes" (a list of area codes)


#: Every parameter a chapter can take, with its meaning: the one declaration (the module docstring, the
#: configuration's ``takes`` lists and ``phna run --help`` all come from it).
PARAMETERS: dict[str, Declaration] = {
    d.name: d
    for d in (
        Declaration("comparators", "area codes the place is compared with: England E92000001, a region such as "
                    "E12000005 (West Midlands), a county, district or ICB; checked against the geography lookups",
                    "'[E92000001, E12000005]'", "codes"),
        Declaration("deprivation_index", "imd2019 (IMD 2019, 2011 small areas) or iod2025 (IMD 2025, 2021 small "
                    "areas): every ranking, quantile, fit and Core20 figure uses it", "iod2025"),
        Declaration("confidence", "one level or a list of levels in (0, 1); the first is used for significance, "
                    "captions and findings, and every level gets its own limit columns (lower_95, upper_95, ...)",
                    "'[0.95, 0.998]'", "yaml"),
        Declaration("period", "latest, or a period label such as 2019-21: the period a chapter shows (only "
                    "chapters that can show a chosen period take it)", "2019-21"),
        Declaration("deaths_extract", "an analyst's CSV of deaths by small area, sex, age band, period and "
                    "underlying cause (format: README, 'The analyst's deaths extract'); a relative path is taken from "
                    "where the command runs; default: none (public data only)", "deaths.csv"),
        Declaration("extract_outside", "what to do with small areas in the deaths extract that are outside the "
                    "ICB or unknown: error (stop the run, the default) or drop (leave them out, counted on the page)",
                    "drop"),
        Declaration("budget", "the sum to share out, in pounds (proportionate universalism)", "1000000", "yaml"),
        Declaration("need_measure", "the measure of need the budget follows (proportionate universalism)",
                    "imd_score"),
    )
}

#: Parameters every template receives that are not chosen with ``-p``: the place (``--place``) and, while
#: templates still declare it, the configuration file (``--config``).
RUN_PARAMETERS = ("place", "config_path")


def parameter_help() -> str:
    """One line per parameter: its name, meaning and an example value (for the docstring and ``--help``)."""
    return "\n".join(f"- ``{d.name}``: {d.meaning} (e.g. ``-p {d.name} {d.example}``)" for d in PARAMETERS.values())


__doc__ = (__doc__ or "") + parameter_help() + "\n"


def parse_value(name: str, raw: str) -> Any:
    """A value given on the command line (``-p name raw``), read as its declaration says.

    Area codes may be given as a YAML list (``'[E92000001, E12000005]'``), comma separated or as one code;
    numbers and lists are read as YAML; everything else is kept as text (so ``-p period 2019`` stays "2019").
    """
    declaration = PARAMETERS.get(name)
    kind = declaration.read_as if declaration else "yaml"
    if kind == "text":
        return raw
    if kind == "codes" and not raw.strip().startswith("["):
        return [code.strip() for code in raw.split(",") if code.strip()]
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def limit_suffix(level: float) -> str:
    """The suffix of a confidence level's limit columns: 0.95 → "95", 0.998 → "99_8", 0.9 → "90"."""
    text = f"{level * 100:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", "_")


def limit_columns(level: float) -> tuple[str, str]:
    """The book's one convention for confidence-limit columns: ``("lower_95", "upper_95")``."""
    suffix = limit_suffix(level)
    return f"lower_{suffix}", f"upper_{suffix}"


def normalise_confidence(confidence: float | Sequence[float]) -> tuple[float, ...]:
    levels = [confidence] if isinstance(confidence, (int, float)) else list(confidence)
    if not levels:
        raise ConfigError("confidence needs at least one level, e.g. 0.95 or [0.95, 0.998]")
    out = []
    for level in levels:
        try:
            value = float(level)
        except (TypeError, ValueError):
            raise ConfigError(f"confidence levels must be numbers between 0 and 1, not {level!r}") from None
        if not 0 < value < 1:
            raise ConfigError(f"confidence levels must be between 0 and 1 (exclusive), not {level!r}")
        if value not in out:
            out.append(value)
    return tuple(out)


@dataclass(frozen=True)
class Parameters:
    """The resolved, validated parameters of one (chapter, place) run."""

    chapter: str
    place: Any  # phna.config.Place
    config: Any  # phna.config.Config
    comparators: tuple[str, ...] = (ENGLAND,)
    deprivation_index: str = "imd2019"
    confidence: tuple[float, ...] = (0.95, 0.998)
    period: str = "latest"
    periods: bool = False  # whether the chapter can show a chosen period (it takes ``period``)
    extra: Mapping[str, Any] = field(default_factory=dict)
    takes: tuple[str, ...] = ()  # the parameters the chapter declares (empty: a Parameters made by hand)

    def __post_init__(self):
        if self.deprivation_index not in DEPRIVATION_INDICES:
            raise ConfigError(
                f"deprivation_index must be one of {', '.join(DEPRIVATION_INDICES)}, not {self.deprivation_index!r}"
            )
        object.__setattr__(self, "confidence", normalise_confidence(self.confidence))
        object.__setattr__(self, "comparators", tuple(self.comparators))
        object.__setattr__(self, "period", str(self.period))
        if not self.periods and self.period != "latest":
            self.require_latest(f"chapter {self.chapter!r}")

    # ------------------------------------------------------------------ derived
    @property
    def name(self) -> str:
        return self.place.name

    @property
    def level(self) -> float:
        """The main confidence level (the first given): significance, captions and findings use it."""
        return self.confidence[0]

    @property
    def deprivation_label(self) -> str:
        return DEPRIVATION_INDICES[self.deprivation_index]

    def get(self, name: str, default: Any = None) -> Any:
        """A chapter-specific parameter (budget, need_measure, deaths_extract)."""
        return self.extra.get(name, default)

    @cached_property
    def areas(self):
        """The place's LSOAs, MSOAs, districts, region and ICB (:func:`phna.geography.place_areas`)."""
        return geography.place_areas(self.place)

    def comparator_names(self) -> list[str]:
        names = geography.area_names()
        return [names.get(code, code) for code in self.comparators]

    # ------------------------------------------------------------------ periods
    def select_period(self, periods: Iterable[str], what: str, strict: bool = True) -> str:
        """The period a chapter shows for a series: its latest, or the ``period`` parameter when given.

        ``periods`` are the labels the series has (sorting them as text must put them in time order, as
        "2019-21" or "2021/22" labels do). A requested period the series does not have is an error naming the
        periods it does have, unless ``strict`` is False (for secondary series), when the latest is used.
        """
        available = sorted({str(p) for p in periods if p is not None and str(p) != "nan"})
        if not available:
            raise ConfigError(f"{what}: no periods in the data")
        if self.period == "latest":
            return available[-1]
        if self.period in available:
            return self.period
        if not strict:
            return available[-1]
        raise ConfigError(
            f"period {self.period!r} is not available for {what}; available periods: {', '.join(available)}"
        )

    def require_latest(self, what: str) -> None:
        """For chapters that only show each series' latest period: refuse a specific ``period``, never ignore it."""
        if self.period != "latest":
            raise ConfigError(
                f"{what} shows the latest period of each of its series and does not take period={self.period!r}; "
                "use period=latest"
            )

    def as_dict(self) -> dict[str, Any]:
        """The parameters as given to the template: the place and what the chapter takes (for the runner, the
        build record and the page footer)."""
        values = {
            "place": self.place.slug,
            "comparators": list(self.comparators),
            "deprivation_index": self.deprivation_index,
            "confidence": list(self.confidence),
            "period": self.period,
            **dict(self.extra),
        }
        if self.takes:
            values = {k: v for k, v in values.items() if k == "place" or k in self.takes}
        return values


# ---------------------------------------------------------------------------------------------- resolving
@lru_cache(maxsize=1)
def config_schema() -> dict:
    """The JSON Schema of the configuration file; ``$defs/parameters`` is the schema of parameter values."""
    text = resources.files("phna").joinpath("config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def schema_errors(data: Any, schema: dict) -> list[str]:
    """Every way ``data`` breaks ``schema``, one line each, naming where."""
    validator = jsonschema.Draft202012Validator(schema)
    messages = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        messages.append(f"{where}: {error.message}")
    return messages


def _takes(chapter: Any) -> tuple[str, ...]:
    """What a chapter takes; a chapter not in the configuration (a template being written, a test) takes all."""
    return tuple(chapter.takes) if chapter is not None else tuple(PARAMETERS)


def refuse_untaken(
    chapter_id: str, takes: Sequence[str], given: Mapping[str, Any], where: str = "", config: Any = None
) -> None:
    """Raise ConfigError when ``given`` holds a parameter the chapter does not take, naming the value, the
    chapters that do take it (when ``config`` is given) and what this chapter takes."""
    unknown = [n for n in given if n not in PARAMETERS]
    untaken = [n for n in given if n in PARAMETERS and n not in takes]
    if not unknown and not untaken:
        return
    problems = []
    if unknown:
        hint = " (choose the place with --place)" if "place" in unknown else ""
        problems.append(f"has no parameter {', '.join(map(repr, unknown))}{hint}")
    for name in untaken:
        problem = f"does not take {name}={given[name]!r}"
        if config is not None:
            others = [c.id for c in (*config.chapters, *config.icb_pages) if name in c.takes]
            problem += f" (chapters that take {name}: {', '.join(others) or 'none'})"
        problems.append(problem)
    taken = ", ".join(takes) if takes else "no parameters"
    raise ConfigError(
        f"chapter {chapter_id!r}{where} " + "; ".join(problems) + f". It takes: {taken} "
        "(see `phna run --help` for what each means)"
    )


def known_area_codes() -> set[str]:
    """Every area code a comparator may be: England, regions, counties, districts and ICBs."""
    return set(geography.area_names())


def resolve(
    config: Any,
    chapter: Any,
    place: Any,
    overrides: Mapping[str, Any] | None = None,
    *,
    check_codes: bool = True,
) -> Parameters:
    """The frozen, validated parameters of one (chapter, place) run: the one place parameters are checked.

    Parameters
    ----------
    config : phna.config.Config
    chapter : phna.config.Chapter or str
        The chapter (or its id). An id not in the configuration takes every parameter (a template being
        written, a test).
    place : phna.config.Place or str
        The place (or its slug).
    overrides : mapping, optional
        Values given on the command line (``phna run -p``) or injected into a template. Later sources win:
        ``defaults`` → the chapter's ``parameters`` → the place's ``parameters`` → ``overrides``; defaults and
        place parameters a chapter does not take do not reach it, but an override it does not take is refused.
    check_codes : bool, default True
        Check comparator codes against the geography lookups (needs the data mirror).

    Raises
    ------
    ConfigError
        A parameter the chapter does not take (naming what it takes), a value of the wrong type or outside its
        allowed values, or an unknown area code.
    """
    if isinstance(chapter, str):
        chapter_id = chapter
        chapter = next((c for c in (*config.chapters, *config.icb_pages) if c.id == chapter_id), None)
    else:
        chapter_id = chapter.id
    if isinstance(place, str):
        place = config.place(place)
    takes = _takes(chapter)
    overrides = {k: v for k, v in dict(overrides or {}).items() if k not in RUN_PARAMETERS or k == "place"}
    if overrides.pop("place", place.slug) != place.slug:
        raise ConfigError(f"chapter {chapter_id!r}: choose the place with --place, not as a parameter")
    refuse_untaken(chapter_id, takes, overrides, config=config)

    merged: dict[str, Any] = {}
    for layer in (config.defaults, chapter.parameters if chapter is not None else {}, place.parameters, overrides):
        merged.update({k: v for k, v in dict(layer).items() if k in takes})
    problems = schema_errors(merged, config_schema()["$defs"]["parameters"] | {"$defs": config_schema()["$defs"]})
    if problems:
        raise ConfigError(
            f"invalid parameters for chapter {chapter_id!r}, place {place.slug!r}:\n  " + "\n  ".join(problems)
        )
    # A place's default comparators are England and its own region (phna.config: from the geography lookups).
    comparators = tuple(merged.get("comparators", getattr(place, "comparators", None) or (ENGLAND,)))
    if check_codes and comparators:
        unknown = [c for c in comparators if c not in known_area_codes()]
        if unknown:
            raise ConfigError(
                f"chapter {chapter_id!r}, place {place.slug!r}: unknown comparator code(s) {', '.join(unknown)} "
                "(England is E92000001; regions, counties, districts and ICBs are in the geography lookups)"
            )
    extra = {k: v for k, v in merged.items() if k not in ("comparators", "deprivation_index", "confidence", "period")}
    return Parameters(
        chapter=chapter_id,
        place=place,
        config=config,
        comparators=comparators,
        deprivation_index=merged.get("deprivation_index", "imd2019"),
        confidence=merged.get("confidence", (0.95,)),
        period=str(merged.get("period", "latest")),
        periods="period" in takes,
        extra=extra,
        takes=takes,
    )


def template_mismatch(chapter: Any, declared: Iterable[str]) -> str | None:
    """How a template's parameters cell differs from what its chapter takes (None when they agree).

    The cell must declare ``place`` and exactly the parameters the configuration says the chapter takes
    (``config_path`` is tolerated while templates still declare it).
    """
    declared = set(declared) - {"config_path"}
    expected = {"place", *chapter.takes}
    if declared == expected:
        return None
    missing, extra = sorted(expected - declared), sorted(declared - expected)
    parts = []
    if missing:
        parts.append(f"the config says it takes {', '.join(missing)} but its parameters cell does not declare it")
    if extra:
        parts.append(f"its parameters cell declares {', '.join(extra)}, which the config's takes list does not have")
    return f"chapter {chapter.id!r} ({chapter.template.name}): " + "; ".join(parts)
