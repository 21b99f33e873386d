"""The GitHub Actions workflows call only what exists: make targets in the Makefile, `phna` commands the
command-line parser accepts (with their options), and scripts in the repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from phna.cli import make_parser

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def _makefile_targets() -> set[str]:
    targets = set()
    for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-/$() ]+?)\s*::?(?!=)", line)
        if match and not line.startswith(("\t", "#")):
            targets.update(match.group(1).split())
    return targets


def _run_commands(workflow: dict) -> list[str]:
    commands = []
    for job in workflow.get("jobs", {}).values():
        for step in job.get("steps", []):
            if "run" in step:
                # one shell command per line, with backslash continuations joined
                text = step["run"].replace("\\\n", " ")
                commands += [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return commands


def _commands(words: list[str]) -> list[list[str]]:
    """Split a shell line into simple commands at &&, ||, ; and |."""
    out, current = [], []
    for word in words:
        if word in ("&&", "||", ";", "|"):
            out.append(current)
            current = []
        else:
            current.append(word)
    out.append(current)
    return [c for c in out if c]


def _all_commands() -> list[tuple[str, list[str]]]:
    found = []
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for line in _run_commands(workflow):
            for command in _commands(shlex.split(line)):
                while command and (command[0] in ("sudo", "env") or "=" in command[0]):
                    command = command[1:]
                if command:
                    found.append((path.name, command))
    return found


def test_workflows_exist_and_parse():
    names = {path.name for path in WORKFLOWS}
    assert {"book.yml", "tests.yml"} <= names
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
        assert triggers, f"{path.name} has no triggers"
        assert workflow["jobs"], f"{path.name} has no jobs"


def test_make_targets_exist():
    targets = _makefile_targets()
    used = [(name, c[1:]) for name, c in _all_commands() if c[0] == "make"]
    assert used, "the workflows run no make target"
    for name, arguments in used:
        for target in (a for a in arguments if not a.startswith("-") and "=" not in a):
            assert target in targets, f"{name}: `make {target}` but the Makefile has no target {target!r}"


def test_phna_commands_are_accepted_by_the_parser():
    used = [(name, c) for name, c in _all_commands() if Path(c[0]).name == "phna"]
    assert used, "the workflows run no phna command"
    parser = make_parser()
    for name, command in used:
        try:
            parser.parse_args(command[1:])
        except SystemExit as exc:  # argparse reports unknown commands/options by exiting
            pytest.fail(f"{name}: `{shlex.join(command)}` is not a valid phna command (argparse exit {exc.code})")


def test_scripts_exist():
    for name, command in _all_commands():
        for word in command:
            if word.startswith("scripts/") or word.startswith("benchmarks/"):
                assert (REPO / word).is_file(), f"{name} runs {word}, which does not exist"


def test_book_is_deployed_only_after_build_and_tests():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8"))
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" or "build" in deploy["needs"]
    build_steps = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    assert any("make test" in s for s in build_steps) and any("make book" in s for s in build_steps)
    uses = [s.get("uses", "") for s in workflow["jobs"]["build"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])


def _readme_refresh_block() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### Running the data refresh", 1)[1]
    block = section.split("```", 2)[1]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_scheduled_refresh_runs_the_readme_commands():
    """The workflow refreshes from the publishers with the README's commands, before the build and the tests."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert "schedule" in triggers
    lines = _run_commands({"jobs": {"build": workflow["jobs"]["build"]}})
    readme = _readme_refresh_block()
    data_lines = [line for line in lines if "phna data" in line]
    assert any("--source all" in line for line in data_lines), "the workflow does not refresh from the publishers"
    for line in data_lines:
        assert line in readme, f"the workflow runs `{line}`, which the README's refresh section does not show"
    for line in readme:
        if "phna" in line or line.startswith("make"):
            assert line in lines, f"the README shows `{line}`, which the workflow does not run"
    # The mirror the build reads is the new vintage (as in the README), set before the build.
    assert any("PHNA_DATA_MIRROR=$PWD/data-vintages/$(cat data-vintages/LATEST)" in line for line in lines)
    order = [next(i for i, line in enumerate(lines) if key in line)
             for key in ("phna data refresh", "phna data catalogue", "make book", "make test")]
    assert order == sorted(order)
    assert any("$GITHUB_STEP_SUMMARY" in line for line in data_lines)
