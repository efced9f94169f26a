"""evaluate_scenario agrees with the scenario files: shared/scenarios (the
team's worked examples, when that folder is beside the checkout) and the
repository's own tests/scenarios."""

import json
import pathlib

import pytest

import slotwise
from conftest import shared_dir, source_dir


def cases(folder):
    good = sorted(p for p in folder.glob("*.json") if not p.name.endswith(".expected.json"))
    bad = sorted((folder / "bad").glob("*.json"))
    return good, bad


SHARED = shared_dir() / "scenarios"
REPO = source_dir() / "tests" / "scenarios"
shared_good, shared_bad = cases(SHARED) if SHARED.is_dir() else ([], [])
repo_good, repo_bad = cases(REPO) if REPO.is_dir() else ([], [])
def stems(paths):
    return [p.stem for p in paths]


NO_SHARED = f"no shared scenarios folder at {SHARED} (set SLOTWISE_SHARED_DIR)"


def check_good(path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    out = slotwise.evaluate_scenario(path.read_text())
    assert out.endswith("\n") and "\n" not in out[:-1]  # one compact line, as the CLI prints
    assert json.loads(out) == expected


def check_bad(path):
    with pytest.raises(slotwise.ValidationError) as e:
        slotwise.evaluate_scenario(path.read_text())
    assert e.value.code == "invalid_argument" and e.value.field
    error_file = path.with_suffix(".error")
    if error_file.exists():  # the repo's bad cases name the field they must report
        assert e.value.field == error_file.read_text().strip()


def test_shared_scenarios_folder_is_present():
    if not SHARED.is_dir():
        pytest.skip(NO_SHARED)
    assert shared_good and shared_bad


@pytest.mark.parametrize("path", shared_good, ids=stems(shared_good))
def test_shared_scenario(path):
    check_good(path)


@pytest.mark.parametrize("path", shared_bad, ids=stems(shared_bad))
def test_shared_bad_scenario(path):
    check_bad(path)


@pytest.mark.parametrize("path", repo_good, ids=stems(repo_good))
def test_repo_scenario(path):
    check_good(path)


@pytest.mark.parametrize("path", repo_bad, ids=stems(repo_bad))
def test_repo_bad_scenario(path):
    check_bad(path)


def test_bytes_are_accepted_and_output_is_what_the_cli_prints():
    doc = b'{"timezone":"UTC","from":"2026-06-01","to":"2026-06-01","weekly":{"mon":[["09:00","10:00"]]},"service":{"duration":30}}'
    assert slotwise.evaluate_scenario(doc) == (
        '{"slots":[{"start":"2026-06-01T09:00:00Z","end":"2026-06-01T09:30:00Z","remaining":1},'
        '{"start":"2026-06-01T09:30:00Z","end":"2026-06-01T10:00:00Z","remaining":1}]}\n'
    )
