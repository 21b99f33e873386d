"""The national edition (issue 15): ICB books from the lookups, chapter runs on a Dask LocalCluster.

The slow test builds three districts of one region (Rugby, Stratford-on-Avon and Warwick: West Midlands) with
one chapter through a LocalCluster, with the site of their ICB's book and the national index, then builds
again to show the same cache keys skip every run. The fast tests check the planning: each ICB's configuration
has its own names, places and comparators, and a failing chapter names its place and chapter without
stopping the other books.
"""

from __future__ import annotations

import json

import pytest
import yaml

from phna import geography
from phna.config import icb_config_data, load_config, write_icb_config
from phna.errors import PhnaError

WARWICKSHIRE_SOUTH = ["E07000220", "E07000221", "E07000222"]  # Rugby, Stratford-on-Avon, Warwick


def test_another_icbs_configuration_has_its_own_names_places_and_comparators(tmp_path, mirror):
    # Two ICBs in different regions: Birmingham and Solihull (West Midlands), Leicester, Leicestershire and
    # Rutland (East Midlands; upper-tier places: Leicestershire's seven districts are one place).
    bsol = load_config(write_icb_config("E54000055", tmp_path / "bsol.yaml"))
    llr = load_config(write_icb_config("E54000015", tmp_path / "llr.yaml", by="upper-tier"))
    assert bsol.title == "Population health needs in Birmingham and Solihull"
    assert bsol.icb_code == "E54000055" and bsol.icb_name == "NHS Birmingham and Solihull ICB"
    assert [(p.slug, p.districts) for p in bsol.places] == [
        ("icb", ("E08000025", "E08000029")), ("birmingham", ("E08000025",)), ("solihull", ("E08000029",))]
    assert {p.comparators for p in bsol.places} == {("E92000001", "E12000005")}
    assert [p.name for p in llr.places] == ["Leicester, Leicestershire and Rutland ICB", "Leicester",
                                            "Leicestershire", "Rutland"]
    assert len(llr.place("leicestershire").districts) == 7
    assert {p.comparators for p in llr.places} == {("E92000001", "E12000004")}
    # The ICB place is the ICB, and the district places partition it.
    assert geography.place_areas(llr.place("icb")).icb_code == "E54000015"
    assert geography.partition_places(llr).complete
    # Same chapters and ICB pages as this book; no Coventry and Warwickshire name anywhere in the file.
    text = (tmp_path / "llr.yaml").read_text()
    assert "Coventry" not in text and "Warwickshire" not in text and "E12000005" not in text
    assert [c.id for c in llr.chapters] == [c.id for c in load_config().chapters]
    assert [c.id for c in llr.icb_pages] == [c.id for c in load_config().icb_pages]


def test_an_unknown_icb_is_refused_naming_it(tmp_path, mirror):
    with pytest.raises(PhnaError, match="E54999999"):
        icb_config_data("E54999999")


def test_districts_are_planned_into_their_icbs_books(tmp_path, mirror):
    from phna.build.national import plan_books

    books = plan_books(districts=["E08000025", *WARWICKSHIRE_SOUTH], out=tmp_path)
    assert sorted(b.code for b in books) == ["E54000018", "E54000055"]
    by_code = {b.code: b for b in books}
    assert [p.slug for p in by_code["E54000018"].config.places] == ["rugby", "stratford-on-avon", "warwick"]
    assert [p.slug for p in by_code["E54000055"].config.places] == ["birmingham"]
    # Chosen districts only: no ICB-wide pages, which need every place of the ICB.
    assert not by_code["E54000055"].config.icb_pages
    assert yaml.safe_load((tmp_path / "E54000055" / "config.yaml").read_text())["book"]["title"] == \
        "Population health needs in Birmingham and Solihull"


@pytest.mark.slow
def test_three_districts_build_on_a_dask_local_cluster(tmp_path, mirror, monkeypatch):
    from phna.build import national

    out = tmp_path / "national"
    runs = tmp_path / "store"  # a store of its own: every run goes through the cluster
    books = national.build_national(districts=WARWICKSHIRE_SOUTH, chapters=["overview"], out=out, workers=2,
                                    verify_data=False, store_dir=runs)
    (book,) = books
    assert not book.failed and book.html is not None
    for slug in ("rugby", "stratford-on-avon", "warwick"):
        assert (book.html / "book" / "places" / slug / "overview.html").is_file()
    intro = (book.html / "book" / "intro.html").read_text()
    assert "Stratford-on-Avon" in intro and "Coventry and Warwickshire" in intro
    index = (out / "index.html").read_text()
    assert 'href="E54000018/_build/html/index.html"' in index

    # The same cache keys: nothing reruns; a failure in one place names it and leaves the others' pages.
    logged: list[str] = []
    national.build_national(districts=WARWICKSHIRE_SOUTH, chapters=["overview"], out=out, workers=1,
                            verify_data=False, html=False, store_dir=runs, log=logged.append)
    assert any("0 chapter run(s) to do, 3 up to date" in line for line in logged)

    def broken(job, config_path):
        if job.place_slug == "warwick":
            return national.JobResult(job, 0.1, error=f"chapter {job.chapter_id!r} for place 'warwick' failed "
                                      "at cell 7: ValueError: broken on purpose")
        return original(job, config_path)

    original = national.run_chapter
    monkeypatch.setattr(national, "run_chapter", broken)
    manifest = out / "E54000018" / ".phna" / "manifest.json"
    entries = json.loads(manifest.read_text())
    del entries["overview/warwick"]  # Warwick's page must run again; the other two are up to date
    manifest.write_text(json.dumps(entries))
    with pytest.raises(PhnaError, match="for place 'warwick' failed at cell 7"):
        national.build_national(districts=WARWICKSHIRE_SOUTH, chapters=["overview"], out=out, workers=1,
                                verify_data=False, html=False, store_dir=runs)
    assert "1 page(s) could not be built" in (out / "index.html").read_text()
    assert (book.root / "book" / "places" / "rugby" / "overview.ipynb").is_file()


def test_the_commands(tmp_path, mirror, capsys):
    from phna.cli import main

    out = tmp_path / "bsol.yaml"
    assert main(["config", "new", "--icb", "E54000055", "--out", str(out)]) == 0
    assert "phna build --national --config" in capsys.readouterr().out
    assert load_config(out).icb_name == "NHS Birmingham and Solihull ICB"
    assert main(["config", "new", "--icb", "E54999999", "--out", str(tmp_path / "x.yaml")]) == 1
    assert "E54999999" in capsys.readouterr().err
    assert main(["build", "--icb", "E54000055"]) == 1  # chooses ICBs only for the national edition
    assert "--national" in capsys.readouterr().err
    assert main(["build", "--national", "--place", "rugby"]) == 1  # refused, never ignored
    assert "--districts" in capsys.readouterr().err


def test_another_icbs_book_pages_say_nothing_of_coventry_and_warwickshire(tmp_path, mirror):
    from phna.build.national import plan_books, prepare_root

    (book,) = plan_books(icbs=["E54000015"], out=tmp_path)  # Leicester, Leicestershire and Rutland
    prepare_root(book)
    pages = {path.name: path.read_text() for path in (book.root / "book").glob("*.md")}
    assert {"intro.md", "glossary.md", "data-sources.md", "methods.md"} <= set(pages)
    for name, text in pages.items():
        for local in ("Coventry", "Warwickshire", "West Midlands"):
            assert local not in text, f"{name} says {local}"
    assert "plan health and care for Leicester, Leicestershire and Rutland." in pages["glossary.md"]
    assert pages["intro.md"].startswith("# Population health needs in Leicester, Leicestershire and Rutland")
    assert "title: Population health needs in Leicester" in (book.root / "_config.yml").read_text()


@pytest.mark.slow
def test_two_icbs_in_different_regions_build_with_their_own_names(tmp_path, mirror):
    """Each ICB's own place page (overview), from configurations written by `phna config new`."""
    from phna.build.national import build_national

    paths = []
    for code, name in (("E54000055", "bsol"), ("E54000015", "llr")):
        data = icb_config_data(code)
        data["places"] = [p for p in data["places"] if p["kind"] == "icb"]  # test-sized: the ICB place only
        data["chapters"] = [c for c in data["chapters"] if c["id"] == "overview"]
        data.pop("icb_pages")
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        paths.append(tmp_path / f"{name}.yaml")
    books = build_national(configs=paths, out=tmp_path / "national", store_dir=tmp_path / "store", html=False,
                           verify_data=False)
    assert [b.failed for b in books] == [[], []]
    pages = {b.code: (b.root / "book" / "places" / "icb" / "overview.ipynb").read_text() for b in books}
    assert "Birmingham and Solihull ICB" in pages["E54000055"] and "West Midlands" in pages["E54000055"]
    assert "Leicester, Leicestershire and Rutland ICB" in pages["E54000015"]
    assert "East Midlands" in pages["E54000015"] and "West Midlands" not in pages["E54000015"]
    for text in pages.values():  # (the sources table names ONS's "Coventry and Warwickshire subset" file it read)
        said = [line for line in text.splitlines() if "Open Government Licence" not in line]
        assert not [line for line in said if "Coventry" in line or "Warwickshire" in line]
    index = (tmp_path / "national" / "index.html").read_text()
    assert "Birmingham and Solihull ICB" in index and "Leicester, Leicestershire and Rutland ICB" in index
