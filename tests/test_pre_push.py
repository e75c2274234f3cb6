"""pre-push with the real git and a bare remote: backups of production, refusals, and everything else untouched."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotfix_lib import tag_names
from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev

BACKUPS = "refs/tags/backup/pre-hotfix-*"


def install_pre_push(clone: Path) -> None:
    # Only pre-push: the commit hooks are other modules, and these tests are about pushing.
    hotfix_hooks(clone, "install", "--hook", "pre-push", check=True)


@pytest.fixture
def pw(bare_world: World) -> World:
    """The world with only this suite's pre-push hook installed, and `production` checked out."""
    install_pre_push(bare_world.work)
    git(bare_world.work, "switch", "-q", "production")
    return bare_world


def tags(cwd: Path, pattern: str = BACKUPS) -> dict[str, str]:
    """tag name -> the commit it points at."""
    out = git(cwd, "for-each-ref", "--format=%(refname:short) %(*objectname)%(if)%(*objectname)%(then)%(else)"
              "%(objectname)%(end)", pattern).stdout
    return dict(line.split(" ") for line in out.splitlines())


def hotfix_commit(cwd: Path, incident: str = "INC-7", name: str = "fix.txt") -> str:
    return commit_file(cwd, name, f"fixed {incident}\n", f"Fix the login\n\nIncident: {incident}")


def test_ordinary_push_backs_up_the_remote_old_tip(pw: World) -> None:
    old = rev(pw.work, "production")
    git(pw.work, "remote", "set-url", "origin", f"file://deployer:s3cret-token@localhost{pw.remote}")
    hotfix_commit(pw.work, "INC-7")
    new = hotfix_commit(pw.work, "INC-8", "other.txt")
    push = git(pw.work, "push", "origin", "production")
    assert rev(pw.remote, "production") == new
    (name, target), = tags(pw.work).items()
    assert target == old
    assert tags(pw.remote) == {name: old}
    assert f"backed up production ({old[:10]}) as {name}, pushed to origin" in push.stderr
    body = git(pw.work, "tag", "-l", "--format=%(contents)", name).stdout.rstrip("\n") + "\n"
    assert body == (
        "Backup of production before a push\n\n"
        "Remote: origin\n"
        f"URL: file://localhost{pw.remote}\n"
        f"Old: {old}\n"
        f"New: {new}\n"
        "Incidents: INC-7, INC-8\n"
        "Pusher: On Call <oncall@example.com>\n"
    )
    assert "s3cret" not in git(pw.remote, "cat-file", "-p", name).stdout
    assert git(pw.work, "tag", "-l", "--format=%(taggername) %(taggeremail)", name).stdout.strip() == (
        "On Call <oncall@example.com>")


def test_first_push_of_production_takes_no_backup(pw: World) -> None:
    fresh = pw.tmp / "fresh.git"
    git(pw.tmp, "init", "-q", "--bare", str(fresh))
    git(pw.work, "push", "-q", str(fresh), "production")
    assert rev(fresh, "production") == rev(pw.work, "production")
    assert tags(pw.work) == {}
    assert tags(fresh) == {}


def _future_names(seconds: int = 120) -> list[str]:
    """This second's backup name and the next ones: taken in advance, the hook's own name is sure to clash."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return [f"backup/pre-hotfix-{tag_names.stamp(now + datetime.timedelta(seconds=s))}" for s in range(seconds)]


def _take(cwd: Path, names: list[str], commit: str) -> None:
    git(cwd, "update-ref", "--stdin", input="".join(f"create refs/tags/{n} {commit}\n" for n in names))


def test_two_backups_in_one_second_get_a_suffix(pw: World) -> None:
    # Tags already holding this second's name (and the next few) stand for a push made a moment ago.
    _take(pw.work, _future_names(), rev(pw.work, "main"))
    before = tags(pw.work)
    old = rev(pw.work, "production")
    hotfix_commit(pw.work)
    git(pw.work, "push", "-q", "origin", "production")
    after = tags(pw.work)
    new_tags = {n: t for n, t in after.items() if n not in before}
    (name, target), = new_tags.items()
    assert name.endswith("-2")
    assert name.removesuffix("-2") in before
    assert target == old
    assert {n: after[n] for n in before} == before  # nothing overwritten


def test_consecutive_pushes_keep_every_backup(pw: World) -> None:
    olds = []
    for i in range(3):
        olds.append(rev(pw.work, "production"))
        hotfix_commit(pw.work, f"INC-{i + 1}", f"f{i}.txt")
        git(pw.work, "push", "-q", "origin", "production")
    assert sorted(tags(pw.work).values()) == sorted(olds)
    assert tags(pw.remote) == tags(pw.work)


def test_racing_clone_took_the_name_on_the_remote(pw: World) -> None:
    other = pw.clone("other")
    main = rev(other, "origin/main")
    _take(other, [n for name in _future_names() for n in (name, f"{name}-2")], main)
    git(other, "push", "-q", "--no-verify", "origin", "--tags")
    theirs = tags(pw.remote)
    old = rev(pw.work, "production")
    hotfix_commit(pw.work)
    git(pw.work, "push", "-q", "origin", "production")
    on_remote = tags(pw.remote)
    ours = {n: t for n, t in on_remote.items() if n not in theirs}
    (name, target), = ours.items()
    assert name.endswith("-3")
    assert target == old
    assert {n: on_remote[n] for n in theirs} == theirs
    assert tags(pw.work) == ours  # the clashing local name was dropped, the backup kept under the new one


def test_remote_tip_missing_locally_is_fetched(pw: World) -> None:
    (pw.work / ".hotfix-hooks.yaml").write_text("protect_production: false\n")
    other = pw.clone("other")
    git(other, "switch", "-q", "production")
    theirs = commit_file(other, "theirs.txt", "x\n", "Their change")
    git(other, "push", "-q", "origin", "production")
    hotfix_commit(pw.work)
    assert git(pw.work, "cat-file", "-e", theirs, check=False).returncode != 0
    git(pw.work, "push", "-q", "--force", "origin", "production")
    assert list(tags(pw.work).values()) == [theirs]
    assert list(tags(pw.remote).values()) == [theirs]


def test_unfetchable_remote_tip_refuses_unless_backups_are_optional(pw: World) -> None:
    (pw.work / ".hotfix-hooks.yaml").write_text("protect_production: false\n")
    other = pw.clone("other")
    git(other, "switch", "-q", "production")
    theirs = commit_file(other, "theirs.txt", "x\n", "Their change")
    git(other, "push", "-q", "origin", "production")
    # A server that hides production from fetches and, speaking protocol v0, serves only what it advertises.
    git(pw.remote, "config", "uploadpack.hideRefs", "refs/heads/production")
    git(pw.work, "config", "protocol.version", "0")
    mine = hotfix_commit(pw.work)
    refused = git(pw.work, "push", "--force", "origin", "production", check=False)
    assert refused.returncode == 1, refused.stderr
    assert (
        f"hotfix-hooks (pre-push): cannot back up production before this push: its tip {theirs[:10]} on "
        f"{pw.remote} cannot be fetched. To fix: git fetch origin and push again, or HOTFIX_HOOKS_NO_BACKUP=1 "
        "git push to push without a backup\n"
    ) in refused.stderr
    assert rev(pw.remote, "production") == theirs
    allowed = git(pw.work, "push", "--force", "origin", "production", env={"HOTFIX_HOOKS_NO_BACKUP": "1"})
    assert "pushing without a backup as configured" in allowed.stderr
    assert rev(pw.remote, "production") == mine
    assert tags(pw.work) == {}


def test_several_refs_at_once_back_up_only_production(pw: World) -> None:
    old = rev(pw.work, "production")
    hotfix_commit(pw.work)
    git(pw.work, "branch", "hotfix/INC-7-login")
    git(pw.work, "branch", "feature")
    git(pw.work, "push", "-q", "origin", "production", "hotfix/INC-7-login", "feature", "main")
    assert list(tags(pw.work).values()) == [old]
    for branch in ("production", "hotfix/INC-7-login", "feature"):
        assert rev(pw.remote, branch) == rev(pw.work, branch)


def test_deleting_production_is_refused(pw: World) -> None:
    before = rev(pw.remote, "production")
    refused = git(pw.work, "push", "origin", ":production", check=False)
    assert refused.returncode == 1
    assert ("hotfix-hooks (pre-push): refusing to delete the production branch 'production'. To fix: do not "
            "delete it; to go back to an earlier state run `hotfix-hooks rollback`\n") in refused.stderr
    assert rev(pw.remote, "production") == before
    assert tags(pw.work) == {}


def test_force_push_of_production_is_refused(pw: World) -> None:
    hotfix_commit(pw.work)
    git(pw.work, "push", "-q", "origin", "production")
    pushed = rev(pw.remote, "production")
    backups = tags(pw.work)
    git(pw.work, "reset", "-q", "--hard", "HEAD~1")
    refused = git(pw.work, "push", "--force", "origin", "production", check=False)
    assert refused.returncode == 1
    assert (f"hotfix-hooks (pre-push): refusing a non-fast-forward push to the production branch 'production' "
            f"({pushed[:10]} -> {rev(pw.work, 'HEAD')[:10]} would drop commits from it). To fix: git pull "
            "--rebase origin production and push again; to go back to an earlier state run "
            "`hotfix-hooks rollback --push`\n") in refused.stderr
    assert rev(pw.remote, "production") == pushed
    assert tags(pw.work) == backups


def test_refusal_of_one_ref_stops_the_whole_push(pw: World) -> None:
    git(pw.work, "branch", "hotfix/login-fix")
    refused = git(pw.work, "push", "origin", "hotfix/login-fix", ":production", "main", check=False)
    assert refused.returncode == 1
    lines = [ln for ln in refused.stderr.splitlines() if ln.startswith("hotfix-hooks")]
    assert len(lines) == 2
    assert lines[0].startswith("hotfix-hooks (pre-push): refusing to delete the production branch")
    assert lines[1].startswith("hotfix-hooks (pre-push): branch 'hotfix/login-fix' looks like a hotfix branch")
    assert git(pw.remote, "branch", "--list", "hotfix/*").stdout == ""


def test_misnamed_hotfix_branch_is_refused(pw: World) -> None:
    git(pw.work, "switch", "-q", "-c", "hotfix_inc-42-login")
    refused = git(pw.work, "push", "origin", "HEAD", check=False)
    assert refused.returncode == 1
    assert ("hotfix-hooks (pre-push): branch 'hotfix_inc-42-login' looks like a hotfix branch but is misnamed; "
            "expected hotfix/INC-42-login. To fix: git branch -m hotfix_inc-42-login hotfix/INC-42-login\n"
            ) in refused.stderr
    assert git(pw.remote, "branch", "--list", "hotfix*").stdout == ""


def _refs(cwd: Path) -> list[str]:
    """Every ref but the pushed branch and remote-tracking refs (which `git push` itself updates)."""
    out = git(cwd, "for-each-ref", "--format=%(refname) %(objectname)").stdout.splitlines()
    return [ln for ln in out if not ln.startswith(("refs/remotes/", "refs/heads/feature "))]


def test_other_branches_are_untouched_and_cost_no_git_writes(pw: World) -> None:
    git(pw.work, "switch", "-q", "-c", "feature", "main")
    commit_file(pw.work, "feature.txt", "f\n", "A feature")
    git(pw.work, "push", "-q", "origin", "feature")
    git(pw.work, "reset", "-q", "--hard", "HEAD~1")
    before = _refs(pw.work)
    objects = git(pw.work, "count-objects", "-v").stdout
    git(pw.work, "push", "-q", "--force", "origin", "feature")  # a rewind of another branch is fine
    assert rev(pw.remote, "feature") == rev(pw.work, "main")
    assert _refs(pw.work) == before
    assert git(pw.work, "count-objects", "-v").stdout == objects
    assert tags(pw.work, "refs/tags") == {}


@pytest.mark.parametrize("branch", ["feature", "main"])
def test_pushes_of_other_branches_do_not_load_pygit2(pw: World, branch: str) -> None:
    git(pw.work, "pack-refs", "--all")  # production is found in packed-refs as well as in loose files
    line = f"refs/heads/{branch} {'1' * 40} refs/heads/{branch} {'2' * 40}\n"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "hotfix_lib.hooks", "pre-push", "origin", str(pw.remote)],
        cwd=pw.work, input=line.encode(), capture_output=True, check=False, env=os.environ.copy(),
    )
    assert proc.returncode == 0
    imported = proc.stderr.decode()
    assert "hotfix_lib.push_rules" in imported
    for heavy in ("pygit2", "click", "yaml"):
        assert f" {heavy}\n" not in imported


def test_no_verify_is_the_escape_hatch(pw: World) -> None:
    git(pw.work, "commit", "-q", "--allow-empty", "-m", "Unwanted")
    git(pw.work, "push", "-q", "origin", "production")
    git(pw.work, "reset", "-q", "--hard", "HEAD~1")
    git(pw.work, "push", "-q", "--force", "--no-verify", "origin", "production")
    assert rev(pw.remote, "production") == rev(pw.work, "production")
    assert len(tags(pw.work)) == 1  # only the earlier, ordinary push took one


def test_garbage_on_stdin_is_one_clear_line(pw: World) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hotfix_lib.hooks", "pre-push", "origin", str(pw.remote)],
        cwd=pw.work, input=b"refs/heads/production 123 refs/heads/production\n", capture_output=True, check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        "hotfix-hooks (pre-push): pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>'"
        ": 'refs/heads/production 123 refs/heads/production'. To fix: report this as a bug with the output of "
        "`git --version`; to push anyway: git push --no-verify\n"
    )


def test_pre_commit_framework_path(pw: World) -> None:
    config = (
        "minimum_pre_commit_version: '3.2.0'\n"
        "repos:\n- repo: local\n  hooks:\n  - id: hotfix-hooks-pre-push\n    name: hotfix-hooks pre-push\n"
        f"    entry: {sys.executable} -m hotfix_lib.hooks pre-push\n    language: system\n"
        "    stages: [pre-push]\n    pass_filenames: false\n    always_run: true\n"
    )
    (pw.work / ".pre-commit-config.yaml").write_text(config)
    (pw.work / ".git" / "hooks" / "pre-push").unlink()
    subprocess.run([sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"], cwd=pw.work,
                   check=True, capture_output=True)
    old = rev(pw.work, "production")
    hotfix_commit(pw.work)
    pushed = git(pw.work, "push", "origin", "production")
    assert "hotfix-hooks pre-push" in pushed.stdout + pushed.stderr
    assert list(tags(pw.work).values()) == [old]
    assert list(tags(pw.remote).values()) == [old]
    git(pw.work, "reset", "-q", "--hard", "HEAD~1")
    git(pw.work, "commit", "-q", "--allow-empty", "-m", "Divergent")
    refused = git(pw.work, "push", "--force", "origin", "production", check=False)
    assert refused.returncode != 0
    assert "refusing a non-fast-forward push to the production branch 'production'" in refused.stdout


def test_main_is_production_where_there_is_no_production_branch(pw: World) -> None:
    git(pw.work, "switch", "-q", "main")
    git(pw.work, "push", "-q", "--no-verify", "origin", ":production")
    git(pw.work, "branch", "-q", "-D", "production")
    old = rev(pw.work, "main")
    hotfix_commit(pw.work)
    git(pw.work, "push", "-q", "origin", "main")
    assert list(tags(pw.remote).values()) == [old]
    refused = git(pw.work, "push", "--force", "origin", "main~1:main", check=False)
    assert "refusing a non-fast-forward push to the production branch 'main'" in refused.stderr
