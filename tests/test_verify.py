"""`hotfix-hooks verify OLD..NEW` in a CI checkout: the server's rules over a range, every offender listed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev

FIX = ("To fix: reword it with `git rebase -i` to add a line such as 'Incident: INC-123' at the end of the message "
       "(or commit on a branch made by `hotfix-hooks start`), then push again")


def ci_checkout(world: World, name: str = "ci") -> Path:
    """What a pipeline has: a fresh clone with the branch under test checked out."""
    git(world.work, "push", "-q", "--no-verify", "origin", "--all")
    path = world.clone(name)
    git(path, "switch", "-q", "--detach", "origin/production")
    return path


def test_verify_lists_every_commit_without_incident_and_fails(bare_world: World) -> None:
    git(bare_world.work, "switch", "-q", "-c", "hotfix/INC-7-login", "production")
    first = commit_file(bare_world.work, "a.txt", "a\n", "First tweak")
    commit_file(bare_world.work, "b.txt", "b\n", "Real fix\n\nIncident: INC-7")
    third = commit_file(bare_world.work, "c.txt", "c\n", "Second tweak")
    ci = ci_checkout(bare_world)
    proc = hotfix_hooks(ci, "verify", "origin/production..origin/hotfix/INC-7-login")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.splitlines() == [
        f"hotfix-hooks (verify): commit {first[:10]} ('First tweak') would reach the production branch "
        f"'production' without an 'Incident:' trailer. {FIX}",
        f"hotfix-hooks (verify): commit {third[:10]} ('Second tweak') would reach the production branch "
        f"'production' without an 'Incident:' trailer. {FIX}",
    ]


def test_verify_passes_a_range_whose_commits_all_carry_an_incident(bare_world: World) -> None:
    git(bare_world.work, "switch", "-q", "-c", "hotfix/INC-7-login", "production")
    commit_file(bare_world.work, "b.txt", "b\n", "Real fix\n\nIncident: INC-7")
    ci = ci_checkout(bare_world)
    proc = hotfix_hooks(ci, "verify", "origin/production..origin/hotfix/INC-7-login")
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        0, "origin/production..origin/hotfix/INC-7-login: may land on 'production'\n", "")


def test_verify_refuses_a_range_that_would_rewind_production(bare_world: World) -> None:
    ci = ci_checkout(bare_world)
    old, new = rev(ci, "origin/production"), rev(ci, "origin/production~1")
    proc = hotfix_hooks(ci, "verify", "origin/production..origin/production~1")
    assert proc.returncode == 1
    assert proc.stderr == (
        f"hotfix-hooks (verify): refusing a non-fast-forward push to the production branch 'production' "
        f"({old[:10]} -> {new[:10]} would drop commits from it). To fix: git pull --rebase origin production and "
        "push again; to go back to an earlier state run `hotfix-hooks rollback --push`\n"
    )


def test_verify_checks_the_name_of_the_branch_given(bare_world: World) -> None:
    ci = ci_checkout(bare_world)
    proc = hotfix_hooks(ci, "verify", "origin/main..origin/main", "--branch", "hotfix_INC-3")
    assert proc.returncode == 1
    assert proc.stderr == (
        "hotfix-hooks (verify): branch 'hotfix_INC-3' looks like a hotfix branch but is misnamed; expected "
        "hotfix/INC-3. To fix: git branch -m hotfix_INC-3 hotfix/INC-3\n"
    )


def test_verify_runs_in_a_bare_mirror_too(bare_world: World) -> None:
    git(bare_world.work, "switch", "-q", "production")
    bad = commit_file(bare_world.work, "a.txt", "a\n", "Tweak")
    git(bare_world.work, "push", "-q", "--no-verify", "origin", "HEAD:refs/heads/candidate")
    proc = hotfix_hooks(bare_world.remote, "verify", "production..candidate")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"hotfix-hooks (verify): commit {bad[:10]} ('Tweak') would reach")


def test_verify_with_a_bad_range_is_one_line(bare_world: World) -> None:
    for bad, message in [
        ("HEAD", "expected a range OLD..NEW, got 'HEAD'. To fix: pass two revisions, e.g. hotfix-hooks verify "
                 "origin/production..HEAD"),
        ("main...production", "expected a range OLD..NEW, got 'main...production'. To fix: pass two revisions, "
                              "e.g. hotfix-hooks verify origin/production..HEAD"),
        ("main..nope", "unknown revision in 'main..nope'. To fix: fetch first (git fetch --all) and check the names"),
    ]:
        proc = hotfix_hooks(bare_world.work, "verify", bad)
        assert (proc.returncode, proc.stderr) == (1, f"hotfix-hooks: {message}\n"), bad
