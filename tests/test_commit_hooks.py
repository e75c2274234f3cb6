"""Real commits through the installed hooks: trailers on hotfix branches, refusals elsewhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, message, rev, trailers

BRANCH = "hotfix/INC-7-login-broken"
STAMP = ["Incident: INC-7", "Severity: 1 (CRITICAL)", "Commander: Ana", "Ticket: https://t.example/INC-7"]


@pytest.fixture
def hotfix(world: World) -> Path:
    hotfix_hooks(world.work, "start", "INC-7", "--severity", "1", "--commander", "Ana", "--description",
                 "Login broken", "--ticket", "https://t.example/INC-7", "--no-fetch", check=True)
    return world.work


def editor(tmp: Path, text: str) -> dict[str, str]:
    """A GIT_EDITOR that writes `text` above whatever git put in the file."""
    script = tmp / "editor.sh"
    script.write_text(f"#!/bin/sh\n{{ printf '%b' '{text}'; cat \"$1\"; }} > \"$1.new\" && mv \"$1.new\" \"$1\"\n")
    script.chmod(0o755)
    return {"GIT_EDITOR": str(script)}


def test_dash_m(hotfix: Path) -> None:
    commit_file(hotfix, "a.py", "x = 1\n", "Fix login")
    assert trailers(hotfix) == STAMP
    assert message(hotfix).startswith("Fix login\n\nIncident: INC-7\n")


def test_dash_f_with_signed_off_by(hotfix: Path, tmp_path: Path) -> None:
    msg = tmp_path / "msg"
    msg.write_text("Fix login\n\nLonger story.\n\nSigned-off-by: Ana <ana@example.com>\n")
    git(hotfix, "commit", "--allow-empty", "-q", "-F", str(msg))
    assert trailers(hotfix) == ["Signed-off-by: Ana <ana@example.com>", *STAMP]


def test_editor_with_template(hotfix: Path, tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.write_text("Subject here\n\n# Describe the fix\n")
    git(hotfix, "commit", "--allow-empty", "-q", "-t", str(template), env=editor(tmp_path, "Fix from editor\\n"))
    msg = message(hotfix)
    assert msg.startswith("Fix from editor\nSubject here\n")
    assert trailers(hotfix) == STAMP


def test_plain_editor_commit_is_stamped_after_the_editor(hotfix: Path, tmp_path: Path) -> None:
    git(hotfix, "commit", "--allow-empty", "-q", env=editor(tmp_path, "Typed in the editor\\n"))
    assert message(hotfix).startswith("Typed in the editor\n\nIncident: INC-7")
    assert trailers(hotfix) == STAMP


def test_an_empty_editor_message_still_aborts_the_commit(hotfix: Path) -> None:
    before = rev(hotfix, "HEAD")
    proc = git(hotfix, "commit", "--allow-empty", check=False, env={"GIT_EDITOR": "true"})
    assert proc.returncode == 1
    assert "empty commit message" in proc.stderr
    assert rev(hotfix, "HEAD") == before


GERMAN = {"LANGUAGE": "de", "LC_ALL": "C.UTF-8"}


def test_editor_sessions_are_recognised_in_any_language(hotfix: Path, tmp_path: Path) -> None:
    """git translates its help text; an untouched editor buffer must still abort, a written one be stamped."""
    before = rev(hotfix, "HEAD")
    proc = git(hotfix, "commit", "--allow-empty", check=False, env={**GERMAN, "GIT_EDITOR": "true"})
    assert proc.returncode == 1, proc.stdout
    assert rev(hotfix, "HEAD") == before
    git(hotfix, "commit", "--allow-empty", "-q", env={**GERMAN, **editor(tmp_path, "Fix login\\n")})
    assert message(hotfix) == "Fix login\n\n" + "\n".join(STAMP) + "\n\n"


def test_verbose_scissors(hotfix: Path, tmp_path: Path) -> None:
    (hotfix / "a.py").write_text("y = 2\n")
    git(hotfix, "add", "a.py")
    git(hotfix, "commit", "-q", "-v", env=editor(tmp_path, "Fix with -v\\n"))
    msg = message(hotfix)
    assert "diff --git" not in msg
    assert trailers(hotfix) == STAMP


def test_custom_comment_char(hotfix: Path, tmp_path: Path) -> None:
    git(hotfix, "config", "core.commentChar", ";")
    git(hotfix, "commit", "--allow-empty", "-q", env=editor(tmp_path, "Fix\\n\\n#42 is the ticket\\n"))
    assert message(hotfix).startswith("Fix\n\n#42 is the ticket\n\nIncident: INC-7")
    assert trailers(hotfix) == STAMP


def test_amend_twice_never_duplicates(hotfix: Path) -> None:
    commit_file(hotfix, "a.py", "x = 1\n", "Fix login")
    first = message(hotfix)
    git(hotfix, "commit", "--amend", "-q", "--no-edit")
    git(hotfix, "commit", "--amend", "-q", "--no-edit")
    assert message(hotfix) == first
    git(hotfix, "commit", "--amend", "-q", "-m", "Fix login better")
    assert trailers(hotfix) == STAMP


def test_a_hand_edited_trailer_is_left_alone(hotfix: Path) -> None:
    commit_file(hotfix, "a.py", "x = 1\n", "Fix\n\nSeverity: 2 (HIGH)")
    assert trailers(hotfix) == ["Severity: 2 (HIGH)", "Incident: INC-7", "Commander: Ana",
                                "Ticket: https://t.example/INC-7"]


def test_rebase_reword_keeps_one_block(hotfix: Path, tmp_path: Path) -> None:
    commit_file(hotfix, "a.py", "x = 1\n", "First fix")
    commit_file(hotfix, "b.py", "y = 1\n", "Second fix")
    seq = tmp_path / "seq.sh"
    seq.write_text("#!/bin/sh\nsed -i '1s/^pick/reword/' \"$1\"\n")
    seq.chmod(0o755)
    git(hotfix, "rebase", "-q", "-i", "HEAD~2",
        env={"GIT_SEQUENCE_EDITOR": str(seq), **editor(tmp_path, "Reworded: ")})
    assert message(hotfix, "HEAD~1").startswith("Reworded: First fix\n")
    assert trailers(hotfix, "HEAD~1") == STAMP
    assert trailers(hotfix, "HEAD") == STAMP


def test_cherry_pick_onto_another_hotfix_branch(hotfix: Path) -> None:
    picked = commit_file(hotfix, "a.py", "x = 1\n", "Fix login")
    hotfix_hooks(hotfix, "start", "INC-8", "--severity", "2", "--commander", "Bo", "--description", "Other",
                 "--no-fetch", check=True)
    git(hotfix, "cherry-pick", "-x", picked)
    assert trailers(hotfix) == [*STAMP, "Incident: INC-8"]
    assert message(hotfix).endswith(f"(cherry picked from commit {picked})\nIncident: INC-8\n\n")


def test_merge_commit_on_a_hotfix_branch(hotfix: Path) -> None:
    git(hotfix, "switch", "-q", "-c", "side")
    commit_file(hotfix, "side.py", "s = 1\n", "Side work")
    git(hotfix, "switch", "-q", BRANCH)
    commit_file(hotfix, "a.py", "x = 1\n", "Fix login")
    git(hotfix, "merge", "-q", "--no-ff", "--no-edit", "side")
    assert message(hotfix).startswith("Merge branch 'side' into hotfix/INC-7-login-broken\n")
    assert trailers(hotfix) == STAMP


def test_no_record_means_incident_only_with_a_warning(world: World) -> None:
    git(world.work, "switch", "-q", "-c", "hotfix/INC-9-manual")
    (world.work / "x").write_text("x")
    git(world.work, "add", "x")
    proc = git(world.work, "commit", "-q", "-m", "Manual hotfix")
    assert trailers(world.work) == ["Incident: INC-9"]
    assert "no incident record for INC-9" in proc.stderr


@pytest.mark.parametrize(
    ("branch", "fix"),
    [
        ("hotfix-123", "git branch -m hotfix-123 hotfix/<INCIDENT-ID>-<slug>"),
        ("Hotfix/INC-1", "git branch -m Hotfix/INC-1 hotfix/INC-1"),
        ("hotfix/fix-login", "git branch -m hotfix/fix-login hotfix/<INCIDENT-ID>-<slug>"),
        ("hotfixes/INC-1-x", "git branch -m hotfixes/INC-1-x hotfix/INC-1-x"),
    ],
)
def test_misnamed_hotfix_branches_are_refused_with_the_fix(world: World, branch: str, fix: str) -> None:
    git(world.work, "switch", "-q", "-c", branch)
    before = rev(world.work, "HEAD")
    proc = git(world.work, "commit", "--allow-empty", "-m", "Fix", check=False)
    assert proc.returncode == 1
    line = proc.stderr.strip().splitlines()
    assert len(line) == 1
    assert f"branch '{branch}' looks like a hotfix branch but is misnamed" in line[0]
    assert f"To fix: {fix}" in line[0]
    assert rev(world.work, "HEAD") == before


def test_direct_commit_on_production_is_refused_but_merges_are_allowed(world: World) -> None:
    git(world.work, "switch", "-q", "production")
    before = rev(world.work, "HEAD")
    proc = git(world.work, "commit", "--allow-empty", "-m", "Quick fix", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "hotfix-hooks (prepare-commit-msg): direct commits to the production branch 'production' are refused; "
        "hotfixes go through a hotfix branch (merge commits are allowed). To fix: git stash, then hotfix-hooks "
        "start <INCIDENT-ID> --severity N --commander NAME --description TEXT"
    )
    assert rev(world.work, "HEAD") == before
    git(world.work, "switch", "-q", "-c", "feature")
    commit_file(world.work, "f.py", "f = 1\n", "Feature")
    git(world.work, "switch", "-q", "production")
    git(world.work, "merge", "-q", "--no-ff", "--no-edit", "feature")
    assert rev(world.work, "HEAD^2") == rev(world.work, "feature")


def test_cherry_picks_onto_production_are_never_blocked(world: World) -> None:
    """git writes CHERRY_PICK_HEAD before its commit hooks run: a pick is replay, not a direct commit."""
    git(world.work, "switch", "-q", "-c", "feature")
    clean = commit_file(world.work, "f.py", "f = 1\n", "Feature")
    clash = commit_file(world.work, "app.py", "print('feature')\n", "Feature edits app")
    git(world.work, "switch", "-q", "-c", "prod-edit", "production")
    commit_file(world.work, "app.py", "print('production')\n", "Production edits app")
    git(world.work, "switch", "-q", "production")
    git(world.work, "merge", "-q", "--no-ff", "--no-edit", "prod-edit")
    git(world.work, "cherry-pick", clean)
    assert message(world.work).startswith("Feature\n")
    assert git(world.work, "cherry-pick", clash, check=False).returncode != 0  # conflict
    (world.work / "app.py").write_text("print('both')\n")
    git(world.work, "add", "app.py")
    git(world.work, "commit", "--no-edit", "-q")  # concluding the pick is not blocked either
    assert message(world.work).startswith("Feature edits app\n")
    picked = rev(world.work, "HEAD")
    # a revert is git's replay too, but a clean one leaves no REVERT_HEAD: it is a direct commit
    assert git(world.work, "revert", "--no-edit", "HEAD", check=False).returncode != 0
    assert rev(world.work, "HEAD") == picked
    assert git(world.work, "branch", "--show-current").stdout.strip() == "production"


def test_protect_production_can_be_turned_off(world: World) -> None:
    git(world.work, "switch", "-q", "production")
    (world.work / ".hotfix-hooks.yaml").write_text("protect_production: false\n")
    git(world.work, "add", ".hotfix-hooks.yaml")
    git(world.work, "commit", "-q", "-m", "Allow direct commits")


def test_detached_head_and_unborn_branches_are_never_blocked(world: World, tmp_path: Path) -> None:
    git(world.work, "switch", "-q", "--detach", "production")
    git(world.work, "commit", "--allow-empty", "-q", "-m", "Detached")
    fresh = tmp_path / "fresh"
    git(tmp_path, "init", "-q", "-b", "production", str(fresh))
    hotfix_hooks(fresh, "install", check=True)
    git(fresh, "commit", "--allow-empty", "-q", "-m", "First commit")


def test_subject_prefix(hotfix: Path) -> None:
    (hotfix / ".hotfix-hooks.yaml").write_text("subject_prefix: true\n")
    commit_file(hotfix, ".hotfix-hooks.yaml", "subject_prefix: true\n", "Fix login")
    assert message(hotfix).startswith("hotfix(INC-7): Fix login\n")
    git(hotfix, "commit", "--amend", "-q", "--no-edit")
    assert message(hotfix).startswith("hotfix(INC-7): Fix login\n")


def test_subject_prefix_keeps_fixups_autosquashable_and_other_incidents_prefixes(hotfix: Path, tmp_path: Path) -> None:
    commit_file(hotfix, ".hotfix-hooks.yaml", "subject_prefix: true\n", "Fix login")
    fixed = rev(hotfix, "HEAD")
    commit_file(hotfix, "a.py", "x = 2\n", "unused", "--fixup", fixed)
    assert message(hotfix).startswith("fixup! hotfix(INC-7): Fix login\n")
    script = tmp_path / "seq.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    git(hotfix, "rebase", "-q", "-i", "--autosquash", f"{fixed}~1", env={"GIT_SEQUENCE_EDITOR": str(script)})
    assert git(hotfix, "log", "--format=%s", f"{fixed}~1..HEAD").stdout == "hotfix(INC-7): Fix login\n"
    hotfix_hooks(hotfix, "start", "INC-8", "--severity", "2", "--commander", "Bo", "--description", "Other",
                 "--no-fetch", check=True)
    git(hotfix, "cherry-pick", BRANCH)
    assert message(hotfix).startswith("hotfix(INC-7): Fix login\n")


def stored_message(repo: Path) -> bytes:
    commit = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=repo, capture_output=True, check=True).stdout
    return commit.split(b"\n\n", 1)[1]


def test_crlf_and_non_utf8_messages_survive(hotfix: Path, tmp_path: Path) -> None:
    raw = b"Caf\xe9 fix\r\n\r\nBody \xff\r\n"
    msg = tmp_path / "msg"
    msg.write_bytes(raw)
    # git itself re-encodes invalid UTF-8 as Latin-1 (commit.c verify_utf8): compare with git alone.
    git(hotfix, "switch", "-q", "-c", "feature")
    git(hotfix, "commit", "--allow-empty", "-q", "--cleanup=verbatim", "-F", str(msg))
    plain = stored_message(hotfix)
    git(hotfix, "switch", "-q", BRANCH)
    git(hotfix, "commit", "--allow-empty", "-q", "--cleanup=verbatim", "-F", str(msg))
    stamp = b"".join(line.encode() + b"\r\n" for line in STAMP)
    assert stored_message(hotfix) == plain + b"\r\n" + stamp


def test_commit_msg_starts_python_only_after_an_editor_session(hotfix: Path, tmp_path: Path) -> None:
    """-m commits are stamped by prepare-commit-msg alone; commit-msg goes to Python only when it left an
    empty editor message behind (marked in the git dir)."""
    log = tmp_path / "python-starts"
    wrapper = tmp_path / "python"
    wrapper.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\nexec {sys.executable} \"$@\"\n")
    wrapper.chmod(0o755)
    hooks = hotfix / ".git" / "hooks"
    for name in ("prepare-commit-msg", "commit-msg"):
        script = hooks / name
        script.write_text(script.read_text().replace(f"py='{sys.executable}'", f"py='{wrapper}'")
                          .replace(f"py={sys.executable}", f"py={wrapper}"))
    git(hotfix, "commit", "--allow-empty", "-q", "-m", "With -m")
    assert [ln.split()[2] for ln in log.read_text().splitlines()] == ["prepare-commit-msg"]
    log.unlink()
    git(hotfix, "commit", "--allow-empty", "-q", env=editor(tmp_path, "From the editor\\n"))
    assert [ln.split()[2] for ln in log.read_text().splitlines()] == ["prepare-commit-msg", "commit-msg"]
    assert trailers(hotfix) == STAMP
    assert not (hotfix / ".git" / "hotfix-hooks-stamp-pending").exists()
