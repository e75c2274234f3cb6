"""The incident record lives in git and travels with push/fetch; concurrent edits merge."""

from __future__ import annotations

from pathlib import Path

import pygit2
import pytest

from hotfix_lib import incident_store
from hotfix_lib.incident import Incident
from tests.conftest import World
from tests.gitutil import git


def _record(incident_id: str = "INC-1") -> Incident:
    return Incident(
        id=incident_id, severity=1, commander="Ana", description="login down", ticket=None,
        base="production", branch=f"hotfix/{incident_id}-login-down", started_at="2026-12-04T03:00:00Z",
    )


def test_record_is_a_ref_not_a_work_tree_file(repo: Path) -> None:
    r = pygit2.Repository(str(repo))
    incident_store.create(r, _record())
    assert git(repo, "status", "--porcelain").stdout == ""
    shown = git(repo, "show", "refs/hotfix-hooks/incidents/INC-1:incident.json").stdout
    assert '"commander": "Ana"' in shown
    assert incident_store.load(r, "INC-1") == _record()


def test_append_keeps_history_as_commits(repo: Path) -> None:
    r = pygit2.Repository(str(repo))
    incident_store.create(r, _record())
    incident_store.append_event(r, "INC-1", "deploy", {"tag": "hotfix-deploy-x"})
    loaded = incident_store.load(r, "INC-1")
    assert loaded is not None
    assert [e.kind for e in loaded.events] == ["deploy"]
    assert git(repo, "rev-list", "--count", "refs/hotfix-hooks/incidents/INC-1").stdout.strip() == "2"


def test_two_clones_appending_merge_their_timelines(bare_world: World) -> None:
    a = bare_world.work
    ra = pygit2.Repository(str(a))
    incident_store.create(ra, _record())
    incident_store.push(ra, str(a), "origin", ["INC-1"])
    b = bare_world.clone("b")
    rb = pygit2.Repository(str(b))
    assert incident_store.fetch(rb, str(b), "origin") == ["INC-1"]
    incident_store.append_event(ra, "INC-1", "deploy")
    incident_store.append_event(rb, "INC-1", "diagnosed")
    incident_store.push(ra, str(a), "origin", ["INC-1"])
    incident_store.push(rb, str(b), "origin", ["INC-1"])  # rejected first, then merged and pushed
    incident_store.fetch(ra, str(a), "origin")
    merged = incident_store.load(ra, "INC-1")
    assert merged is not None
    assert sorted(e.kind for e in merged.events) == ["deploy", "diagnosed"]


def test_the_actor_is_who_git_says_even_with_git_config_global(repo: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """libgit2 ignores GIT_CONFIG_GLOBAL and GIT_COMMITTER_*; the record must name the same person git does."""
    elsewhere = tmp_path / "global-config"
    elsewhere.write_text("[user]\n\tname = Global Person\n\temail = global@example.com\n")
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(elsewhere))
    r = pygit2.Repository(str(repo))
    assert incident_store.actor(r) == "Global Person <global@example.com>"
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Env Person")
    assert incident_store.actor(r) == "Env Person <global@example.com>"
