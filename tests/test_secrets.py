"""Secrets and injection: no shell anywhere, no credential in anything shown or stored."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import hookmain, incident_store, redact
from hotfix_lib.incident import Incident
from tests.conftest import World
from tests.gitutil import ROOT, commit_file, git, hotfix_hooks, rev
from tests.test_lifecycle import _Hook, webhook  # noqa: F401 (the fixture)

SECRET_URL = "https://deployer:s3cret-tok@git.example.com/team/app.git"
TOKEN_URL = "https://git.example.com/team/app.git?access_token=s3cret-tok&ref=x"
SECRET = "s3cret-tok"


def package_sources() -> list[Path]:
    return sorted([*(ROOT / "hotfix_lib").rglob("*.py"), *(ROOT / "hooks").rglob("*.py")])


@pytest.mark.parametrize(
    "pattern",
    [r"shell\s*=\s*True", r"\bos\.system\b", r"\bos\.popen\b", r"\byaml\.load\(", r"\byaml\.unsafe_load\b",
     r"\beval\(", r"\bexec\("],
)
def test_no_source_file_runs_a_shell_or_unsafe_yaml(pattern: str) -> None:
    sources = package_sources()
    assert len(sources) > 20  # the scan really sees the package
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in sources
                 for n, line in enumerate(p.read_text().splitlines(), 1) if re.search(pattern, line)]
    assert offenders == []


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (SECRET_URL, "https://git.example.com/team/app.git"),
        (TOKEN_URL, "https://git.example.com/team/app.git?access_token=REDACTED&ref=x"),
        ("https://oauth2:glpat-xyz@gitlab.example.com/a/b.git?private_token=abc",
         "https://gitlab.example.com/a/b.git?private_token=REDACTED"),
        ("git@github.com:team/app.git", "git@github.com:team/app.git"),
        ("/srv/git/app.git", "/srv/git/app.git"),
    ],
)
def test_urls_lose_user_password_and_token(given: str, shown: str) -> None:
    assert redact.url(given) == shown
    assert redact.text(f"fatal: unable to access '{given}': 403") == f"fatal: unable to access '{shown}': 403"


def production_push_line(world: World) -> str:
    old = rev(world.work, "origin/production")
    git(world.work, "switch", "-q", "production")
    new = commit_file(world.work, "fix.txt", "fixed\n", "Fix\n\nIncident: INC-7")
    return f"refs/heads/production {new} refs/heads/production {old}\n"


@pytest.mark.parametrize("url", [SECRET_URL, TOKEN_URL], ids=["userinfo", "query-token"])
def test_the_backup_tag_and_the_output_of_pre_push_hold_no_credential(bare_world: World, url: str) -> None:
    # git hands pre-push the remote's name and its URL; the name is what git fetches from and pushes to.
    proc = hotfix_hooks(bare_world.work, "hook", "pre-push", "origin", url, input=production_push_line(bare_world))
    assert proc.returncode == 0, proc.stderr
    tag = git(bare_world.work, "for-each-ref", "--format=%(refname:short)", "refs/tags/backup").stdout.strip()
    body = git(bare_world.work, "cat-file", "-p", tag).stdout
    assert redact.url(url) in body
    assert SECRET not in body + proc.stdout + proc.stderr
    assert SECRET not in git(bare_world.remote, "cat-file", "-p", tag).stdout


def test_a_refusal_naming_the_remote_holds_no_credential(bare_world: World) -> None:
    url = f"file://deployer:{SECRET}@localhost/nonexistent/x.git"
    git(bare_world.work, "remote", "set-url", "origin", url)
    unknown_old = "1" * 40  # the remote's production tip, which this clone cannot fetch
    line = production_push_line(bare_world).rsplit(" ", 1)[0] + f" {unknown_old}\n"
    proc = hotfix_hooks(bare_world.work, "hook", "pre-push", "origin", url, input=line)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith(
        "hotfix-hooks (pre-push): cannot back up production before this push: its tip 1111111111 on "
        "file://localhost/nonexistent/x.git cannot be fetched"
    )
    assert SECRET not in proc.stderr


def test_the_crash_log_holds_no_credential(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setattr(sys, "argv", ["hotfix-hooks-hook", "pre-push", "origin", SECRET_URL])
    try:
        raise RuntimeError(f"could not reach {TOKEN_URL}")
    except RuntimeError:
        path = hookmain._log_traceback("pre-push")
    log = Path(path).read_text()
    assert path == str(repo / ".git" / "hotfix-hooks.log")
    assert "https://git.example.com/team/app.git" in log
    assert "RuntimeError: could not reach https://git.example.com/team/app.git?access_token=REDACTED&ref=x" in log
    assert SECRET not in log


def test_the_incident_record_never_stores_a_credential(repo: Path) -> None:
    r = pygit2.Repository(str(repo))
    incident_store.create(r, Incident(
        id="INC-1", severity=1, commander="Ana", description=f"login down, see {TOKEN_URL}", ticket=SECRET_URL,
        base="production", branch="hotfix/INC-1-login-down", started_at="2026-12-04T03:00:00Z",
    ))
    incident_store.append_event(r, "INC-1", "deploy", {"remote": SECRET_URL, "urls": [TOKEN_URL], "n": 1})
    stored = git(repo, "show", "refs/hotfix-hooks/incidents/INC-1:incident.json").stdout
    assert SECRET not in stored
    loaded = incident_store.load(r, "INC-1")
    assert loaded is not None
    assert loaded.ticket == "https://git.example.com/team/app.git"
    assert loaded.description == "login down, see https://git.example.com/team/app.git?access_token=REDACTED&ref=x"
    assert dict(loaded.events[0].data) == {"remote": "https://git.example.com/team/app.git",
                                           "urls": ["https://git.example.com/team/app.git?access_token=REDACTED&ref=x"],
                                           "n": 1}


def test_announcements_redact_urls_people_paste_into_them(bare_world: World, webhook: str) -> None:  # noqa: F811
    env = {"HOTFIX_HOOKS_WEBHOOK_URL": f"{webhook}/ok"}
    hotfix_hooks(bare_world.work, "start", "INC-42", "--severity", "1", "--commander", "Ana", "--description",
                 f"login down, see {TOKEN_URL}", "--no-fetch", env=env, check=True)
    update = hotfix_hooks(bare_world.work, "announce", "update", "--message", f"logs at {SECRET_URL}", env=env,
                          check=True)
    texts = [json.loads(body)["text"] for body in _Hook.bodies]
    assert len(texts) == 2
    assert "Summary: login down, see https://git.example.com/team/app.git?access_token=REDACTED&ref=x" in texts[0]
    assert texts[1].endswith("logs at https://git.example.com/team/app.git")
    assert SECRET not in "".join(texts) + update.stdout + update.stderr
