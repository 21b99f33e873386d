"""source_path: local mirror, http mirror (pooch download into the cache), and failures."""

from __future__ import annotations

import pytest

from phna.data import DataError, source_path
from phna.data import mirror as mirror_mod

from conftest import needs_mirror


@needs_mirror
def test_local_mirror_path_is_verified(mirror):
    path = source_path("esp2013.pheindicatormethods")
    assert path == mirror / "esp2013" / "PHEindicatormethods_esp2013.csv"


def test_repo_root_and_overrides(tmp_path, monkeypatch):
    assert (mirror_mod.repo_root() / "pyproject.toml").is_file()
    monkeypatch.setenv("PHNA_ROOT", str(tmp_path))
    assert mirror_mod.repo_root() == tmp_path.resolve()
    assert mirror_mod.cache_dir() == tmp_path.resolve() / ".phna" / "cache"
    monkeypatch.setenv("PHNA_CACHE", str(tmp_path / "c"))
    assert mirror_mod.cache_dir() == tmp_path / "c"
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(tmp_path / "absent"))
    with pytest.raises(DataError, match="not a directory"):
        mirror_mod.mirror_location()
    monkeypatch.setenv("PHNA_DATA_MIRROR", "http://127.0.0.1:9/data/")
    assert mirror_mod.mirror_location() == "http://127.0.0.1:9/data"


def test_download_from_http_mirror(fake_repo, http_mirror, monkeypatch):
    repo = fake_repo(["esp2013.pheindicatormethods", "esp2013.opensafely"])
    url = http_mirror(repo.mirror)
    repo.activate(monkeypatch, mirror=url)
    path = source_path("esp2013.opensafely")
    assert path.is_file() and str(path).startswith(str(repo.cache))
    assert path.read_bytes() == repo.real_bytes("esp2013.opensafely")
    # Second call: served from the cache, even when the server has gone.
    monkeypatch.setenv("PHNA_DATA_MIRROR", "http://127.0.0.1:9")
    assert source_path("esp2013.opensafely") == path


def test_download_with_wrong_checksum_fails(fake_repo, http_mirror, monkeypatch):
    repo = fake_repo(["esp2013.opensafely"])
    repo.replace("esp2013.opensafely", repo.real_bytes("esp2013.opensafely").replace(b"5000", b"5001", 1),
                 update_catalogue=False)
    repo.activate(monkeypatch, mirror=http_mirror(repo.mirror))
    with pytest.raises(DataError, match="esp2013.opensafely.*checksum"):
        source_path("esp2013.opensafely")


def test_local_corrupt_file_is_refused(fake_repo):
    repo = fake_repo(["esp2013.opensafely"])
    repo.replace("esp2013.opensafely", b"AgeGroup,EuropeanStandardPopulation\n0-4 years,1\n", update_catalogue=False)
    with pytest.raises(DataError) as error:
        source_path("esp2013.opensafely")
    message = str(error.value)
    assert "esp2013.opensafely" in message and "expected sha256" in message and "found" in message


def test_missing_file_and_no_source(fake_repo, monkeypatch, tmp_path):
    repo = fake_repo(["esp2013.pheindicatormethods"])
    (repo.mirror / "esp2013" / "PHEindicatormethods_esp2013.csv").unlink()
    with pytest.raises(DataError, match="missing"):
        source_path("esp2013.pheindicatormethods")
    # No mirror at all (PHNA_ROOT has no ../shared/data) and no download_url: a clear error.
    monkeypatch.delenv("PHNA_DATA_MIRROR")
    with pytest.raises(DataError, match="no data mirror.*no download_url"):
        source_path("esp2013.pheindicatormethods")


def test_download_url_used_without_mirror(fake_repo, http_mirror, monkeypatch):
    repo = fake_repo(["esp2013.opensafely"])
    base = http_mirror(repo.mirror)
    repo.entry("esp2013.opensafely")["download_url"] = f"{base}/{repo.entry('esp2013.opensafely')['path']}"
    repo.write_catalogue()
    monkeypatch.delenv("PHNA_DATA_MIRROR")  # the fake root has no ../shared/data beside it
    path = source_path("esp2013.opensafely")
    assert path.read_bytes() == repo.real_bytes("esp2013.opensafely")
    assert str(path).startswith(str(repo.cache))
