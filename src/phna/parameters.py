"""The parameters of one chapter run: declared once, validated once, frozen.

A template's second cell turns the values papermill injected into one :class:`Parameters` object (through
:func:`phna.chapter`, which also makes the page publisher). Analyses take this object (or the plain values
they need), never the page context: their signatures say what they use.

Meaning of each parameter (the one declaration; ``phna run --help`` shows it):

- ``place``: slug of the place the chapter is about (``phna places`` lists them);
- ``comparators``: area codes the place is compared with (England E92000001, a region such as E12000005);
- ``deprivation_index``: ``imd2019`` (IMD 2019, 2011 LSOAs) or ``iod2025`` (IMD 2025, 2021 LSOAs): every
  ranking, quantile, fit and Core20 figure uses it;
- ``confidence``: one level or a list of levels in (0, 1); the first is the level used for significance,
  captions and findings, every level gets limit columns (``lower_95``/``upper_95``, ``lower_99_8``/...);
- ``period``: ``latest`` or a period label (``2019-21``) for chapters that show a chosen period;
- chapter-specific: ``budget`` and ``need_measure`` (proportionate universalism), ``deaths_extract`` (an
  analyst's deaths extract, life expectancy and preventable mortality).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

from phna.errors import ConfigError

ENGLAND = "E92000001"
DEPRIVATION_INDICES = {"imd2019": "IMD 2019", "iod2025": "IMD 2025"}


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
    periods: bool = False  # whether the chapter can show a chosen period
    extra: Mapping[str, Any] = field(default_factory=dict)

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
        from phna import geography

        return geography.place_areas(self.place)

    def comparator_names(self) -> list[str]:
        from phna import geography

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
        """The parameters as given to the template (for the build record and the page footer)."""
        return {
            "place": self.place.slug,
            "comparators": list(self.comparators),
            "deprivation_index": self.deprivation_index,
            "confidence": list(self.confidence),
            "period": self.period,
            **dict(self.extra),
        }
