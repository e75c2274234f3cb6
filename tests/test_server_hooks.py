"""Server-side enforcement: a real bare repository runs the hook, a clone pushes with --no-verify."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import World, make_world
from tests.gitutil import commit_file, git, hotfix_hooks, rev

PREFIX = "remote: hotfix-hooks (pre-receive): "
FF_FIX = ("To fix: git pull --rebase origin production and push again; "
          "to go back to an earlier state run `hotfix-hooks rollback --push`")


def server_hook(remote: Path, hook_type: str = "pre-receive") -> None:
    """What the README tells a Gitea/GitLab admin to put in the repository's custom hooks."""
    hook = remote / "hooks" / hook_type
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m hotfix_lib hook {hook_type} "$@"\n')
    hook.chmod(0o755)


@pytest.fixture
def sw(bare_world: World) -> World:
    """The world with the server hook on the remote, no client hooks, and `production` checked out."""
    server_hook(bare_world.remote)
    git(bare_world.work, "switch", "-q", "production")
    return bare_world


def remote_lines(stderr: str) -> list[str]:
    return [line.rstrip() for line in stderr.splitlines() if line.startswith("remote: hotfix-hooks")]


def branches(repo: Path) -> list[str]:
    return git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.split()


def missing_line(commit: str, subject: str) -> str:
    return (f"{PREFIX}commit {commit[:10]} ({subject!r}) would reach the production branch 'production' without an "
            "'Incident:' trailer. To fix: reword it with `git rebase -i` to add a line such as 'Incident: INC-123' "
            "at the end of the message (or commit on a branch made by `hotfix-hooks start`), then push again")


def test_a_commit_without_incident_is_refused_even_with_no_verify(sw: World) -> None:
    before = rev(sw.remote, "production")
    good = commit_file(sw.work, "a.txt", "a\n", "Fix the login\n\nIncident: INC-7")
    bad = commit_file(sw.work, "b.txt", "b\n", "Quick tweak")
    proc = git(sw.work, "push", "--no-verify", "origin", "production", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [missing_line(bad, "Quick tweak")]
    assert good != bad
    assert rev(sw.remote, "production") == before


def test_commits_with_incident_trailers_land_and_a_merge_needs_none_of_its_own(sw: World) -> None:
    git(sw.work, "switch", "-q", "-c", "hotfix/INC-7-login")
    commit_file(sw.work, "a.txt", "a\n", "Fix the login\n\nIncident: INC-7\nSeverity: SEV1")
    git(sw.work, "switch", "-q", "production")
    git(sw.work, "merge", "-q", "--no-ff", "-m", "Merge branch 'hotfix/INC-7-login' into production",
        "hotfix/INC-7-login")
    proc = git(sw.work, "push", "--no-verify", "origin", "production", "hotfix/INC-7-login", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (0, [])
    assert rev(sw.remote, "production") == rev(sw.work, "production")


def test_a_merge_bringing_in_a_commit_without_incident_is_refused(sw: World) -> None:
    git(sw.work, "switch", "-q", "-c", "hotfix/INC-7-login")
    bad = commit_file(sw.work, "a.txt", "a\n", "Forgot the trailer")
    git(sw.work, "switch", "-q", "production")
    git(sw.work, "merge", "-q", "--no-ff", "-m", "Merge\n\nIncident: INC-7", "hotfix/INC-7-login")
    proc = git(sw.work, "push", "--no-verify", "origin", "production", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (1, [missing_line(bad, "Forgot the trailer")])


def test_a_release_of_commits_already_on_main_needs_no_incident(sw: World) -> None:
    git(sw.work, "switch", "-q", "main")
    commit_file(sw.work, "feature.txt", "f\n", "Ordinary feature")
    git(sw.work, "push", "-q", "--no-verify", "origin", "main")
    git(sw.work, "switch", "-q", "production")
    git(sw.work, "merge", "-q", "--ff-only", "main")
    proc = git(sw.work, "push", "--no-verify", "origin", "production", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (0, [])


def test_main_in_the_same_push_does_not_excuse_its_commits(sw: World) -> None:
    git(sw.work, "switch", "-q", "main")
    bad = commit_file(sw.work, "feature.txt", "f\n", "Ordinary feature")
    git(sw.work, "switch", "-q", "production")
    git(sw.work, "merge", "-q", "--ff-only", "main")
    proc = git(sw.work, "push", "--no-verify", "--atomic", "origin", "main", "production", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (1, [missing_line(bad, "Ordinary feature")])
    assert rev(sw.remote, "main") != bad


def test_a_rewind_of_production_is_refused(sw: World) -> None:
    before = rev(sw.remote, "production")
    git(sw.work, "reset", "-q", "--hard", "HEAD~1")
    proc = git(sw.work, "push", "--no-verify", "--force", "origin", "production", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [
        f"{PREFIX}refusing a non-fast-forward push to the production branch 'production' "
        f"({before[:10]} -> {rev(sw.work, 'production')[:10]} would drop commits from it). {FF_FIX}"
    ]
    assert rev(sw.remote, "production") == before


def test_deleting_production_is_refused(sw: World) -> None:
    proc = git(sw.work, "push", "--no-verify", "origin", ":production", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [
        f"{PREFIX}refusing to delete the production branch 'production'. To fix: do not delete it; "
        "to go back to an earlier state run `hotfix-hooks rollback`"
    ]
    assert rev(sw.remote, "production")


def test_a_misnamed_hotfix_branch_is_refused_and_nothing_of_the_push_lands(sw: World) -> None:
    git(sw.work, "switch", "-q", "-c", "hotfix-inc-9-typo")
    git(sw.work, "branch", "feature/ok")
    proc = git(sw.work, "push", "--no-verify", "origin", "hotfix-inc-9-typo", "feature/ok", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [
        f"{PREFIX}branch 'hotfix-inc-9-typo' looks like a hotfix branch but is misnamed; expected "
        "hotfix/INC-9-typo. To fix: git branch -m hotfix-inc-9-typo hotfix/INC-9-typo"
    ]
    assert branches(sw.remote) == ["main", "production"]


def test_the_update_hook_refuses_only_the_offending_ref(bare_world: World) -> None:
    server_hook(bare_world.remote, "update")
    git(bare_world.work, "branch", "hotfix-inc-9-typo")
    git(bare_world.work, "branch", "feature/ok")
    proc = git(bare_world.work, "push", "--no-verify", "origin", "hotfix-inc-9-typo", "feature/ok", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [
        "remote: hotfix-hooks (update): branch 'hotfix-inc-9-typo' looks like a hotfix branch but is misnamed; "
        "expected hotfix/INC-9-typo. To fix: git branch -m hotfix-inc-9-typo hotfix/INC-9-typo"
    ]
    assert branches(bare_world.remote) == ["feature/ok", "main", "production"]


def test_the_rules_come_from_the_config_committed_on_the_servers_default_branch(sw: World) -> None:
    git(sw.work, "switch", "-q", "main")
    commit_file(sw.work, ".hotfix-hooks.yaml", "require_incident_trailer: false\n", "Relax the trailer rule")
    git(sw.work, "switch", "-q", "production")
    commit_file(sw.work, "b.txt", "b\n", "Quick tweak")
    # In the same push as the config change: judged by the rules already on the server.
    proc = git(sw.work, "push", "--no-verify", "--atomic", "origin", "main", "production", check=False)
    assert proc.returncode == 1
    git(sw.work, "push", "-q", "--no-verify", "origin", "main")
    proc = git(sw.work, "push", "--no-verify", "origin", "production", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (0, [])


def test_a_broken_config_on_the_server_refuses_with_one_line(sw: World) -> None:
    git(sw.work, "switch", "-q", "main")
    commit_file(sw.work, ".hotfix-hooks.yaml", "fail_open: yes please\n", "Break the config")
    git(sw.work, "push", "-q", "--no-verify", "origin", "main")
    git(sw.work, "switch", "-q", "production")
    commit_file(sw.work, "b.txt", "b\n", "Fix\n\nIncident: INC-1")
    proc = git(sw.work, "push", "--no-verify", "origin", "production", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [
        f"{PREFIX}HEAD:.hotfix-hooks.yaml: key 'fail_open' must be true or false, got a string"
    ]


def test_a_rollback_passes_the_server_because_both_ends_stay_tagged(tmp_path: Path) -> None:
    w = make_world(tmp_path, install=False)
    hotfix_hooks(w.work, "install", "--hook", "pre-push", check=True)  # the client's pre-push takes the backups
    server_hook(w.remote)
    git(w.work, "switch", "-q", "production")
    before = rev(w.work, "production")
    commit_file(w.work, "a.txt", "a\n", "Fix the login\n\nIncident: INC-7")
    git(w.work, "push", "-q", "origin", "production")
    result = hotfix_hooks(w.work, "rollback", "--yes")
    assert result.returncode == 0, result.stderr
    assert rev(w.remote, "production") == before


def test_a_bare_force_push_back_to_a_backup_without_tagging_the_tip_is_refused(sw: World) -> None:
    before = rev(sw.remote, "production")
    git(sw.work, "tag", "backup/pre-hotfix-20260101-000000", "HEAD~1")
    git(sw.work, "push", "-q", "--no-verify", "origin", "--tags")
    git(sw.work, "reset", "-q", "--hard", "HEAD~1")
    proc = git(sw.work, "push", "--no-verify", "--force", "origin", "production", check=False)
    assert proc.returncode == 1
    assert rev(sw.remote, "production") == before
    git(sw.work, "tag", "kept", before)
    git(sw.work, "push", "-q", "--no-verify", "origin", "kept")
    proc = git(sw.work, "push", "--no-verify", "--force", "origin", "production", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (0, [])


@pytest.mark.parametrize(
    ("stdin", "error"),
    [
        ("garbage\n", "pre-receive input line 1 is not '<old oid> <new oid> <ref>': 'garbage'"),
        (f"{'0' * 40} {'1' * 40} refs/heads/x", "pre-receive input is truncated (no newline at the end)"),
        (f"{'0' * 40} {'1' * 39} refs/heads/x\n",
         f"pre-receive input line 1 is not '<old oid> <new oid> <ref>': '{'0' * 40} {'1' * 39} refs/heads/x'"),
        (f"{'0' * 40} {'1' * 64} refs/heads/x\n",
         f"pre-receive input line 1 mixes object name lengths: '{'0' * 40} {'1' * 64} refs/heads/x'"),
    ],
    ids=["garbage", "truncated", "short-hash", "mixed-hash"],
)
def test_malformed_pre_receive_input_is_one_line(bare_world: World, stdin: str, error: str) -> None:
    proc = hotfix_hooks(bare_world.remote, "hook", "pre-receive", input=stdin)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (f"hotfix-hooks (pre-receive): {error}. "
                           "To fix: report this as a bug with the output of `git --version` on the server\n")


def test_hook_refuses_an_unknown_hook_type(bare_world: World) -> None:
    proc = hotfix_hooks(bare_world.remote, "hook", "pre-commit-everything")
    assert proc.returncode == 2
    assert "Invalid value for 'TYPE'" in proc.stderr


def test_the_installed_server_hook_enforces_the_same_rules(bare_world: World) -> None:
    proc = hotfix_hooks(bare_world.remote, "install", "--hook", "pre-receive", "--hook", "update")
    assert (proc.returncode, proc.stdout) == (0, "pre-receive: installed\nupdate: installed\n")
    git(bare_world.work, "switch", "-q", "production")
    bad = commit_file(bare_world.work, "b.txt", "b\n", "Quick tweak")
    proc = git(bare_world.work, "push", "--no-verify", "origin", "production", check=False)
    assert (proc.returncode, remote_lines(proc.stderr)) == (1, [missing_line(bad, "Quick tweak")])


@pytest.mark.parametrize("how", ["delete", "move"])
def test_backup_tags_on_the_server_can_be_neither_deleted_nor_moved(sw: World, how: str) -> None:
    name = "backup/pre-hotfix-20261204-031500"
    git(sw.work, "tag", "-a", "-m", "backup", name, "HEAD~1")
    git(sw.work, "push", "-q", "--no-verify", "origin", name)
    before = rev(sw.remote, f"refs/tags/{name}")
    if how == "delete":
        proc = git(sw.work, "push", "--no-verify", "origin", f":refs/tags/{name}", check=False)
    else:
        git(sw.work, "tag", "-f", "-a", "-m", "moved", name, "HEAD")
        proc = git(sw.work, "push", "--no-verify", "--force", "origin", f"refs/tags/{name}", check=False)
    assert proc.returncode == 1
    assert remote_lines(proc.stderr) == [
        f"{PREFIX}refusing to {how} the tag '{name}': it keeps an earlier state of production reachable. "
        "To fix: push it under a new name instead (tags that keep production recoverable are never rewritten)"
    ]
    assert rev(sw.remote, f"refs/tags/{name}") == before
    other = "release-1"
    git(sw.work, "tag", other)
    git(sw.work, "push", "-q", "--no-verify", "origin", other)
    assert git(sw.work, "push", "--no-verify", "origin", f":refs/tags/{other}", check=False).returncode == 0


def test_a_push_of_many_commits_without_incident_names_ten_and_counts_the_rest(sw: World) -> None:
    commits = [commit_file(sw.work, f"f{n}.txt", f"{n}\n", f"Tweak {n}") for n in range(12)]
    proc = git(sw.work, "push", "--no-verify", "origin", "production", check=False)
    lines = remote_lines(proc.stderr)
    assert proc.returncode == 1
    assert lines[:10] == [missing_line(c, f"Tweak {n}") for n, c in enumerate(commits[:10])]
    assert lines[10:] == [f"{PREFIX}... and 2 more commits without an 'Incident:' trailer"]
