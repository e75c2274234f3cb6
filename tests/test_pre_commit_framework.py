"""The pre-commit framework path end to end: the real `pre-commit` installs this repository (its committed HEAD)
from `.pre-commit-hooks.yaml` and runs the branch-name check on real commits and pushes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.gitutil import ROOT, commit_file, git, rev

PRE_COMMIT = str(Path(sys.executable).parent / "pre-commit")
MISNAMED = (
    "hotfix-hooks (check-branch-name): branch 'hotfix-123' looks like a hotfix branch but is misnamed; expected "
    "hotfix/<INCIDENT-ID>-<slug>. To fix: git branch -m hotfix-123 hotfix/<INCIDENT-ID>-<slug> "
    "(e.g. hotfix/INC-123-short-description), or hotfix-hooks start"
)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clone of this repository and its HEAD: pre-commit pip-installs exactly what is committed."""
    clone = tmp_path_factory.mktemp("hook-repo") / "hotfix-hooks"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, capture_output=True)
    return clone, rev(clone, "HEAD")


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by every test (and xdist worker) of the run, so the environment is built once; pre-commit locks it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / "pre-commit-home"


@pytest.fixture
def framework_repo(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", str(work))
    clone, sha = hook_repo
    config = {
        "default_install_hook_types": ["pre-commit", "pre-push"],
        "repos": [{"repo": str(clone), "rev": sha, "hooks": [{"id": "hotfix-branch-name"}]}],
    }
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(work, "add", ".pre-commit-config.yaml")
    git(work, "commit", "-q", "-m", "Use hotfix-hooks through pre-commit")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "origin", "main")
    subprocess.run([PRE_COMMIT, "install"], cwd=work, check=True, capture_output=True)
    return work


def test_a_commit_on_a_misnamed_hotfix_branch_is_refused(framework_repo: Path) -> None:
    git(framework_repo, "switch", "-q", "-c", "hotfix-123")
    before = rev(framework_repo, "HEAD")
    (framework_repo / "fix.py").write_text("fixed = True\n")
    git(framework_repo, "add", "fix.py")
    proc = git(framework_repo, "commit", "-m", "Fix", check=False)
    assert proc.returncode == 1
    assert MISNAMED in proc.stderr.splitlines()  # git sends a commit hook's stdout to stderr
    assert rev(framework_repo, "HEAD") == before


def test_a_commit_on_a_well_named_hotfix_branch_passes(framework_repo: Path) -> None:
    git(framework_repo, "switch", "-q", "-c", "hotfix/INC-1-db-pool")
    commit_file(framework_repo, "fix.py", "fixed = True\n", "Fix the pool")
    assert git(framework_repo, "log", "-1", "--format=%s").stdout == "Fix the pool\n"


def test_pushing_to_a_misnamed_remote_branch_is_refused(framework_repo: Path) -> None:
    git(framework_repo, "switch", "-q", "-c", "hotfix/INC-1-db-pool")
    commit_file(framework_repo, "fix.py", "fixed = True\n", "Fix the pool")
    proc = git(framework_repo, "push", "origin", "hotfix/INC-1-db-pool:hotfix-123", check=False)
    assert proc.returncode == 1
    assert MISNAMED in proc.stdout.splitlines()
    assert git(framework_repo, "ls-remote", "origin", "hotfix-123").stdout == ""
    git(framework_repo, "push", "-q", "origin", "hotfix/INC-1-db-pool")
    assert rev(framework_repo, "origin/hotfix/INC-1-db-pool") == rev(framework_repo, "HEAD")


def test_the_manifest_is_valid_and_every_entry_reaches_a_hook() -> None:
    from hotfix_lib.hookmain import HOOKS

    proc = subprocess.run([PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout) == (0, "")
    entries = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    for entry in entries:
        program, hook_type = entry["entry"].split()
        assert (program, hook_type in HOOKS) == ("hotfix-hooks-hook", True), entry["id"]
        post = all(stage.startswith("post-") for stage in entry["stages"])
        message_stage = entry["stages"] in (["prepare-commit-msg"], ["commit-msg"])
        assert entry["pass_filenames"] == message_stage, entry["id"]
        assert entry["always_run"] or not post, entry["id"]
