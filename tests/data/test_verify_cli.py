"""verify() and the `phna data` CLI."""

from __future__ import annotations

import argparse

from phna.data import verify
from phna.data import cli

from conftest import needs_mirror


@needs_mirror
def test_real_mirror_verifies(mirror):
    report = verify()
    assert report.ok, str(report)
    assert len(report.checks) >= 150


def test_corrupted_copy_fails_clearly(fake_repo, capsys):
    repo = fake_repo()  # every catalogued file, as symlinks
    original = repo.real_bytes("esp2013.opensafely")
    corrupted = bytearray(original)
    corrupted[-3] = ord("9") if corrupted[-3] != ord("9") else ord("8")
    repo.replace("esp2013.opensafely", bytes(corrupted), update_catalogue=False)
    report = verify()
    assert not report.ok
    [failure] = report.failures
    assert failure.source_id == "esp2013.opensafely" and failure.status == "checksum"
    assert repo.entry("esp2013.opensafely")["sha256"] in failure.message
    assert "found" in failure.message
    # The CLI prints one line per file and exits non-zero.
    code = cli.main(["verify", "--mirror", str(repo.mirror)])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL esp2013.opensafely" in out
    assert out.count("OK  ") == len(report.checks) - 1


def test_missing_columns_are_reported(fake_repo):
    repo = fake_repo(["esp2013.opensafely", "esp2013.pheindicatormethods"])
    repo.replace("esp2013.opensafely", b"Age,ESP\n0-4 years,5000\n")  # checksum recorded, columns wrong
    report = verify(["esp2013.opensafely", "esp2013.pheindicatormethods", "no.such_id"])
    statuses = {c.source_id: c.status for c in report.checks}
    assert statuses == {"esp2013.opensafely": "columns", "esp2013.pheindicatormethods": "ok", "no.such_id": "error"}
    assert "AgeGroup" in report.failures[0].message


def test_missing_file_is_reported(fake_repo):
    repo = fake_repo(["esp2013.opensafely"])
    (repo.mirror / repo.entry("esp2013.opensafely")["path"]).unlink()
    report = verify()
    assert report.checks[0].status == "missing"


def test_verify_over_http(fake_repo, http_mirror, monkeypatch):
    repo = fake_repo(["esp2013.opensafely", "fuel_poverty.2012"])
    report = verify(mirror=http_mirror(repo.mirror))
    assert report.ok, str(report)


def test_cli_list_and_register(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "lookups.lsoa21_msoa21_derived" in out and "[unofficial]" in out
    parser = argparse.ArgumentParser(prog="phna")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["data", "refresh", "--out", "x"])
    assert args.out == "x" and args.func is not None


def test_cli_refresh(fake_repo, tmp_path, capsys):
    fake_repo(["esp2013.opensafely", "fuel_poverty.2012"])
    assert cli.main(["data", "refresh", "--out", str(tmp_path / "vintages")]) == 0
    assert "vintage" in capsys.readouterr().out


def test_one_line_per_file(fake_repo, capsys):
    repo = fake_repo(["esp2013.opensafely", "esp2013.pheindicatormethods"])
    repo.replace("esp2013.opensafely", b"x\n", update_catalogue=False)
    assert cli.main(["verify"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3  # two files + the summary
    [fail] = [line for line in lines if line.startswith("FAIL")]
    assert fail.startswith("FAIL esp2013.opensafely") and "checksum mismatch" in fail
    assert lines[-1].startswith("1/2 files OK")
