"""`hotfix-hooks start`: validation, branch naming, the base, the record, refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import incident_store, naming
from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, maybe_rev, rev

GOOD = ["--severity", "1", "--commander", "Ana", "--description", "Login broken"]


def start(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return hotfix_hooks(cwd, "start", *args)


def nothing_created(world: World, before: str) -> None:
    refs = git(world.work, "for-each-ref", "--format=%(refname)").stdout
    assert "hotfix" not in refs
    assert git(world.work, "branch", "--show-current").stdout.strip() == "main"
    assert rev(world.work, "HEAD") == before


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["inc-1", *GOOD], "invalid incident ID 'inc-1': it must match"),
        (["INC-1/x", *GOOD], "invalid incident ID 'INC-1/x'"),
        (["INC-..1", *GOOD], "invalid incident ID 'INC-..1'"),
        (["INC 1", *GOOD], "invalid incident ID 'INC 1'"),
        (["INC-1;rm", *GOOD], "invalid incident ID 'INC-1;rm'"),
        (["$(id)", *GOOD], "invalid incident ID '$(id)'"),
        (["INC-1\nx", *GOOD], "invalid incident ID 'INC-1\\nx'"),
        (["INC-ÄÖ-1", *GOOD], "invalid incident ID"),
        (["INC-" + "1" * 1000, *GOOD], "invalid incident ID 'INC-1111"),
        (["INC-1", "--severity", "4", "--commander", "A", "--description", "d"], "invalid severity '4'"),
        (["INC-1", "--severity", "x", "--commander", "A", "--description", "d"], "invalid severity 'x'"),
        (["INC-1", "--severity", "1", "--commander", " ", "--description", "d"], "the incident commander is empty"),
        (["INC-1", "--severity", "1", "--commander", "Ana\nBo", "--description", "d"], "invalid commander name"),
        (["INC-1", "--severity", "1", "--commander", "Ana", "--description", ""], "the description is empty"),
        (["INC-1", *GOOD, "--ticket", "ftp://t.example/1"], "invalid ticket URL"),
        (["INC-1", *GOOD, "--ticket", "not a url"], "invalid ticket URL"),
        (["INC-1", *GOOD, "--ticket", "https://me:secret@t.example/1"], "the ticket URL carries credentials"),
        (["INC-1", "--severity", "1", "--commander", "Ana"], "missing --description"),
        (["--severity", "1", "--commander", "Ana", "--description", "d"], "missing INCIDENT_ID"),
    ],
)
def test_validation_errors_are_one_line_and_create_nothing(world: World, args: list[str], error: str) -> None:
    before = rev(world.work, "HEAD")
    proc = start(world.work, *args)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("hotfix-hooks: ")
    assert error in lines[0]
    assert "secret" not in proc.stderr
    nothing_created(world, before)


@pytest.mark.parametrize(
    "description",
    [
        "Fix \"quoted\" 'login'", "$(rm -rf /) `id`", "a..b", "~user ^head :colon", "@{upstream}",
        "🔥 fire 🔥", "x" * 10_000, "!!! ??? ...", "Café déjà vu", "עברית RTL", "a/b\\c*d?e[f",
    ],
)
def test_slug_from_hostile_descriptions_is_always_a_valid_branch(description: str) -> None:
    name = naming.branch_name("INC-1", description)
    check = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True, text=True, check=False)
    assert check.returncode == 0, name
    slug = name.removeprefix("hotfix/INC-1").removeprefix("-")
    assert len(slug) <= naming.MAX_SLUG
    assert slug == "" or all(part.isalnum() and part.isascii() and part.lower() == part for part in slug.split("-"))


def test_slug_examples() -> None:
    assert naming.branch_name("INC-1", "Café déjà vu: login ($(x))") == "hotfix/INC-1-cafe-deja-vu-login-x"
    assert naming.branch_name("INC-1", "!!! 🔥") == "hotfix/INC-1"
    assert naming.slugify("word " * 20) == "-".join(["word"] * 9)


def test_start_creates_branch_record_and_prints_next_step(world: World) -> None:
    proc = start(world.work, "INC-42", "--severity", "2", "--commander", "Ana", "--description", "Login broken",
                 "--ticket", "https://t.example/INC-42")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == [
        "Incident INC-42 declared: HIGH (severity 2), target resolution 1 hour",
        "Branch hotfix/INC-42-login-broken from production is checked out; commander Ana",
    ]
    assert "hotfix-hooks finish" in proc.stdout
    assert git(world.work, "branch", "--show-current").stdout.strip() == "hotfix/INC-42-login-broken"
    assert rev(world.work, "HEAD") == rev(world.work, "production")
    record = incident_store.load(pygit2.Repository(str(world.work)), "INC-42")
    assert record is not None
    assert (record.severity, record.commander, record.ticket, record.base, record.status) == (
        2, "Ana", "https://t.example/INC-42", "production", "active")
    assert [e.kind for e in record.events] == ["declared"]
    assert git(world.work, "status", "--porcelain").stdout == ""  # nothing written into the work tree


def test_base_defaults_to_main_without_production(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    git(tmp_path, "init", "-q", str(repo))
    commit_file(repo, "a", "a", "init")
    proc = start(repo, "INC-1", *GOOD)
    assert proc.returncode == 0, proc.stderr
    assert "from main is checked out" in proc.stdout
    assert "no remote named origin" in proc.stdout


def test_local_base_behind_remote_starts_from_remote(world: World) -> None:
    other = world.clone("other")
    git(other, "switch", "-q", "production")
    git(other, "commit", "--allow-empty", "-q", "--no-verify", "-m", "Shipped elsewhere")
    git(other, "push", "-q", "--no-verify", "origin", "production")
    proc = start(world.work, "INC-1", *GOOD)
    assert proc.returncode == 0, proc.stderr
    assert "note: local production is behind origin/production: starting from origin/production" in proc.stdout
    assert rev(world.work, "HEAD") == rev(other, "production")


def test_no_fetch_uses_what_is_local(world: World) -> None:
    other = world.clone("other")
    git(other, "switch", "-q", "production")
    git(other, "commit", "--allow-empty", "-q", "-m", "Shipped elsewhere")
    git(other, "push", "-q", "--no-verify", "origin", "production")
    assert start(world.work, "INC-1", *GOOD, "--no-fetch").returncode == 0
    assert rev(world.work, "HEAD") == rev(world.work, "production")


def test_diverged_base_is_refused(world: World) -> None:
    other = world.clone("other")
    git(other, "switch", "-q", "production")
    git(other, "commit", "--allow-empty", "-q", "-m", "Theirs")
    git(other, "push", "-q", "--no-verify", "origin", "production")
    git(world.work, "update-ref", "refs/heads/production",
        git(world.work, "commit-tree", "-p", "production", "-m", "Ours", "production^{tree}").stdout.strip())
    before = rev(world.work, "HEAD")
    proc = start(world.work, "INC-1", *GOOD)
    assert proc.returncode == 1
    assert "local production and origin/production have diverged" in proc.stderr
    nothing_created(world, before)


def test_missing_base_is_a_clear_error(world: World) -> None:
    proc = start(world.work, "INC-1", *GOOD, "--base", "nope", "--no-fetch")
    assert (proc.returncode, proc.stderr.strip()) == (
        1, "hotfix-hooks: the base branch nope does not exist. To fix: pass --base BRANCH with an existing branch")


def test_refusals_dirty_tree_existing_branch_existing_incident_and_merge(world: World) -> None:
    (world.work / "app.py").write_text("changed\n")
    proc = start(world.work, "INC-1", *GOOD)
    assert "uncommitted changes; start never stashes them" in proc.stderr
    assert proc.returncode == 1
    git(world.work, "checkout", "--", "app.py")

    assert start(world.work, "INC-1", *GOOD).returncode == 0
    git(world.work, "switch", "-q", "main")
    git(world.work, "branch", "hotfix/INC-3-login-broken")
    proc = start(world.work, "INC-3", *GOOD)
    assert (proc.returncode, "branch hotfix/INC-3-login-broken already exists" in proc.stderr) == (1, True)
    assert "INC-3" not in git(world.work, "for-each-ref", "refs/hotfix-hooks").stdout
    proc = start(world.work, "INC-1", "--severity", "1", "--commander", "A", "--description", "Other thing")
    assert "incident INC-1 already exists" in proc.stderr
    assert "hotfix-hooks status" in proc.stderr

    git(world.work, "switch", "-q", "-c", "a")
    commit_file(world.work, "app.py", "a\n", "a", "--no-verify")
    git(world.work, "switch", "-q", "main")
    commit_file(world.work, "app.py", "b\n", "b", "--no-verify")
    git(world.work, "merge", "a", check=False)
    proc = start(world.work, "INC-2", *GOOD)
    assert proc.returncode == 1
    assert "a merge is in progress" in proc.stderr


def test_interrupted_start_resumes(world: World) -> None:
    """Killed after the record was written but before the branch: re-running finishes the job."""
    assert start(world.work, "INC-1", *GOOD, "--no-fetch").returncode == 0
    git(world.work, "switch", "-q", "main")
    git(world.work, "branch", "-D", "hotfix/INC-1-login-broken")
    proc = start(world.work, "INC-1", *GOOD, "--no-fetch")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Incident INC-1 resumed")
    assert git(world.work, "branch", "--show-current").stdout.strip() == "hotfix/INC-1-login-broken"


def test_push_makes_the_incident_visible_from_a_second_clone(world: World) -> None:
    proc = start(world.work, "INC-5", *GOOD, "--push")
    assert proc.returncode == 0, proc.stderr
    assert maybe_rev(world.remote, "refs/heads/hotfix/INC-5-login-broken") == rev(world.work, "HEAD")
    other = world.clone("teammate")
    repo = pygit2.Repository(str(other))
    assert incident_store.fetch(repo, str(other), "origin") == ["INC-5"]
    record = incident_store.load(repo, "INC-5")
    assert record is not None
    assert (record.commander, record.branch) == ("Ana", "hotfix/INC-5-login-broken")
    # the teammate's commits on that branch get the full trailers from the fetched record
    git(other, "switch", "-q", "hotfix/INC-5-login-broken")
    hotfix_hooks(other, "install", check=True)
    git(other, "commit", "--allow-empty", "-q", "-m", "Teammate fix")
    assert "Commander: Ana" in git(other, "log", "-1", "--format=%B").stdout


def test_an_incident_a_teammate_already_declared_is_refused_not_declared_twice(world: World) -> None:
    assert start(world.work, "INC-6", *GOOD, "--push").returncode == 0
    other = world.clone("teammate")
    before = rev(other, "HEAD")
    proc = start(other, "INC-6", "--severity", "2", "--commander", "Bo", "--description", "Login broken")
    assert proc.returncode == 1
    assert proc.stderr == (
        "hotfix-hooks: incident INC-6 was already declared on origin by On Call <oncall@example.com> "
        "(branch hotfix/INC-6-login-broken). To fix: git fetch origin && git switch hotfix/INC-6-login-broken "
        "(hotfix-hooks status INC-6 shows it)\n"
    )
    assert git(other, "branch", "--list", "hotfix/*").stdout == ""
    assert rev(other, "HEAD") == before
    record = incident_store.load(pygit2.Repository(str(other)), "INC-6")
    assert record is not None
    assert record.commander == "Ana"  # theirs, untouched: nothing was declared on top of it
    git(other, "fetch", "-q", "origin")
    git(other, "switch", "-q", "hotfix/INC-6-login-broken")  # the fix it printed works
    assert rev(other, "HEAD") == rev(world.work, "hotfix/INC-6-login-broken")
