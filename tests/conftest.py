from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.gitutil import commit_file, git, hotfix_hooks


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's git config, templates or home; authors and committers are fixed."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = On Call\n\temail = oncall@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
        "[advice]\n\tdetachedHead = false\n"
        "[protocol \"file\"]\n\tallow = always\n"
    )
    template = home / "empty-template"
    template.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(template))
    monkeypatch.setenv("GIT_EDITOR", "true")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "HOTFIX_HOOKS_WEBHOOK_URL",
                "HOTFIX_HOOKS_FAIL_OPEN", "PRE_COMMIT_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home / "pre-commit-cache"))


@dataclasses.dataclass
class World:
    """A bare remote and one clone with `main` and `production` both pushed; the clone is on `main`."""

    remote: Path
    work: Path
    tmp: Path

    def clone(self, name: str) -> Path:
        path = self.tmp / name
        git(self.tmp, "clone", "-q", str(self.remote), str(path))
        return path


def make_world(tmp_path: Path, install: bool = True) -> World:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", str(work))
    commit_file(work, "app.py", "print('hello')\n", "Initial commit")
    commit_file(work, "README.md", "# app\n", "Add readme")
    git(work, "branch", "production")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", "main", "production")
    if install:
        hotfix_hooks(work, "install", check=True)
    return World(remote=remote, work=work, tmp=tmp_path)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def bare_world(tmp_path: Path) -> World:
    """The same world without hotfix-hooks installed."""
    return make_world(tmp_path, install=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A plain repository with one commit on `main` and no remote."""
    path = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(path))
    commit_file(path, "app.py", "print('hello')\n", "Initial commit")
    return path

