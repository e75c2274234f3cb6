"""`hotfix-hooks backport` by hand: configured targets with globs, --push, and the incident timeline."""

from __future__ import annotations

import pygit2

from hotfix_lib import incident_store
from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev, tree_state


def test_backport_to_globbed_targets_pushes_them_and_records_the_timeline(bare_world: World) -> None:
    work = bare_world.work
    git(work, "switch", "-q", "main")
    commit_file(work, "feature.py", "feature = 1\n", "Feature work on main")
    git(work, "branch", "release/1.0", "production")
    git(work, "branch", "release/2.0", "main")
    (work / ".hotfix-hooks.yaml").write_text('backport_targets: [main, "release/*"]\n')
    hotfix_hooks(work, "start", "INC-7", "--severity", "2", "--commander", "Ana", "--description", "Login",
                 "--no-fetch", check=True)
    fix = commit_file(work, "fix.py", "fix = 1\n", "Fix login\n\nIncident: INC-7")
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "hotfix/INC-7-login")  # no hooks installed here
    before = tree_state(work)

    proc = hotfix_hooks(work, "backport", "--push")

    assert proc.returncode == 0, proc.stderr
    assert tree_state(work) == before
    assert "pushed main, release/1.0, release/2.0 to origin" in proc.stdout
    for target in ("main", "release/1.0", "release/2.0"):
        assert git(bare_world.remote, "rev-parse", target).stdout == git(work, "rev-parse", target).stdout
        assert f"(cherry picked from commit {fix})" in git(work, "log", "-1", "--format=%B", target).stdout
    record = incident_store.load(pygit2.Repository(str(work)), "INC-7")
    assert record is not None
    events = [e.data for e in record.events if e.kind == "backport"]
    assert [e["target"] for e in events] == ["main", "release/1.0", "release/2.0"]
    assert all(e["picked"] == [fix] for e in events)
    assert [e["new"] for e in events] == [[rev(work, t)] for t in ("main", "release/1.0", "release/2.0")]

    again = hotfix_hooks(work, "backport", "--dry-run", check=True)
    assert again.stdout.count(f"skip     {fix[:12]}") == 3
