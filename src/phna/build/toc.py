"""Generate the book's table of contents (``_toc.yml``) from the configuration.

The hand-written pages come first, then the ICB-wide pages (when configured), then one part per place,
each with its index page and one section per chapter.
"""

from __future__ import annotations

from typing import Iterable

import yaml

from phna.config import Config, Place

#: Hand-written pages, in reading order (paths relative to the repository root, without suffix).
FRONT_PAGES = ("book/intro", "book/how-to-read")
BACK_PAGES = ("book/methods", "book/data-sources", "book/glossary", "book/about-this-build")


def place_dir(place: Place | str) -> str:
    slug = place if isinstance(place, str) else place.slug
    return f"book/places/{slug}"


def toc_data(config: Config, places: Iterable[Place] | None = None, chapters: Iterable[str] | None = None) -> dict:
    """The toc as a dictionary; ``places``/``chapters`` restrict it (for partial builds)."""
    places = list(config.places if places is None else places)
    wanted = None if chapters is None else set(chapters)
    parts = [{"caption": "About this book", "chapters": [{"file": p} for p in FRONT_PAGES[1:]]}]

    icb_pages = [c for c in config.icb_pages if c.scope == "icb" and (wanted is None or c.id in wanted)]
    per_place_pages = [c for c in config.icb_pages if c.scope == "place" and (wanted is None or c.id in wanted)]
    if icb_pages or per_place_pages:
        # Pages carry their place in their own title ("Life expectancy in Rugby"); the navigation, where the
        # place is already the heading above, shows the short chapter title.
        entries = [{"file": f"book/icb/{c.id}", "title": c.title} for c in icb_pages]
        for chapter in per_place_pages:
            entries.append(
                {
                    "file": f"book/icb/{chapter.id}/index",
                    "sections": [{"file": f"book/icb/{chapter.id}/{p.slug}", "title": p.name} for p in places],
                }
            )
        parts.append({"caption": "Reducing inequalities across the ICS", "chapters": entries})

    place_entries = []
    for place in places:
        sections = [
            {"file": f"{place_dir(place)}/{c.id}", "title": c.title}
            for c in config.chapters
            if wanted is None or c.id in wanted
        ]
        entry = {"file": f"{place_dir(place)}/index"}
        if sections:
            entry["sections"] = sections
        place_entries.append(entry)
    if place_entries:
        parts.append({"caption": "Places", "chapters": place_entries})
    parts.append({"caption": "Methods and data", "chapters": [{"file": p} for p in BACK_PAGES]})
    return {"format": "jb-book", "root": FRONT_PAGES[0], "parts": parts}


def render_toc(config: Config, places: Iterable[Place] | None = None, chapters: Iterable[str] | None = None) -> str:
    header = (
        "# Generated from analyses/config.yaml by `phna toc` (and by every `phna build`); do not edit by hand.\n"
    )
    return header + yaml.safe_dump(toc_data(config, places, chapters), sort_keys=False)
