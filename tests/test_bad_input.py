"""Hostile and broken input: one clear line on stderr, a non-zero exit, no traceback, and nothing changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev, tree_state


@pytest.fixture
def pw(bare_world: World) -> World:
    """A clone with hotfix-hooks' pre-push installed (the commit hooks have their own tables)."""
    hotfix_hooks(bare_world.work, "install", "--hook", "pre-push", check=True)
    return bare_world


def snapshot(repo: Path) -> str:
    """Every ref with its target, and what HEAD says: a command that refused must leave these as they were."""
    refs = git(repo, "for-each-ref", "--format=%(refname) %(objectname)").stdout
    head = git(repo, "symbolic-ref", "-q", "HEAD", check=False).stdout or git(repo, "rev-parse", "HEAD").stdout
    return refs + head


def git_files(path: Path) -> dict[str, bytes]:
    """Refs, HEAD and config as files, for repositories this git cannot read (reftable) or outside any."""
    git_dir = path / ".git" if (path / ".git").exists() else path
    names = ["HEAD", "config", "packed-refs", *(str(p.relative_to(git_dir)) for p in (git_dir / "refs").rglob("*"))]
    return {n: (git_dir / n).read_bytes() for n in names if (git_dir / n).is_file()}


def assert_one_line_refusal(proc: subprocess.CompletedProcess[str], expected: str) -> None:
    assert "Traceback" not in proc.stderr
    assert proc.returncode != 0
    assert proc.stderr.splitlines() == [expected]


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)
)

CONFIG_ROWS = [
    pytest.param(b'production_branch: !!python/object/apply:os.system ["touch PWNED"]\n',
                 "invalid YAML at line 1: could not determine a constructor for the tag "
                 "'tag:yaml.org,2002:python/object/apply:os.system'", id="python-object"),
    pytest.param(BOMB.encode(), "unknown key 'a'; allowed keys: ", id="anchor-bomb"),
    pytest.param(b"backport_targets: &t [main]\nhealth_urls: *t\nfail_open: *t\n",
                 "key 'fail_open' must be true or false, got a list", id="anchor-wrong-type"),
    pytest.param(b"fail_open: 'yes'\n", "key 'fail_open' must be true or false, got a string", id="wrong-type"),
    pytest.param(b"remote: 42\n", "key 'remote' must be a non-empty string, got a number", id="number-for-string"),
    pytest.param(b"pre_push_command: rm -rf /\n", "unknown key 'pre_push_command'; allowed keys: ", id="unknown-key"),
    pytest.param(b"- just\n- a list\n", "expected a mapping of keys to values, got a list", id="not-a-mapping"),
    pytest.param(b"a: [unclosed\n", "invalid YAML at line 2: expected ',' or ']', but got '<stream end>'",
                 id="malformed"),
    pytest.param(b"remote: \xff\xfe\n", "not UTF-8 text", id="not-utf8"),
    pytest.param(b"# " + b"x" * 70_000 + b"\n", "larger than 65536 bytes; this is not a hotfix-hooks config",
                 id="huge"),
    pytest.param(b"incident_pattern: '(('\n", "key 'incident_pattern' is not a valid regular expression: ",
                 id="bad-regex"),
    pytest.param(b"tags: {backup: 'backup/{user}'}\n",
                 "key 'tags.backup' must use the placeholders {time} and no others", id="tag-placeholder"),
    pytest.param(None, "is a directory, expected a YAML file. To fix: move it out of the way (mv ", id="directory"),
]


@pytest.mark.parametrize(("content", "error"), CONFIG_ROWS)
def test_a_bad_config_stops_commands_and_hooks_with_one_line(pw: World, content: bytes | None, error: str) -> None:
    config = pw.work / ".hotfix-hooks.yaml"
    if content is None:
        config.mkdir()
        (config / "x").write_text("x")
    else:
        config.write_bytes(content)
    git(pw.work, "switch", "-q", "production")
    commit_file(pw.work, "fix.txt", "fix\n", "Fix\n\nIncident: INC-1", "--no-verify")
    before, remote_before = snapshot(pw.work), snapshot(pw.remote)
    for proc in (hotfix_hooks(pw.work, "config"),
                 git(pw.work, "push", "origin", "production", check=False)):
        assert "Traceback" not in proc.stderr
        assert proc.returncode == 1
        (line,) = [ln for ln in proc.stderr.splitlines() if not ln.startswith("error: failed to push")]
        assert line.startswith(("hotfix-hooks: ", "hotfix-hooks (pre-push): "))
        assert f"{config}: {error}" in line
    assert not (pw.work / "PWNED").exists()
    assert (snapshot(pw.work), snapshot(pw.remote)) == (before, remote_before)


ZERO = "0" * 40
A, B = "a" * 40, "b" * 40
_PUSH_FIX = "To fix: report this as a bug with the output of `git --version`; to push anyway: git push --no-verify"


@pytest.mark.parametrize(
    ("stdin", "error"),
    [
        pytest.param(b"garbage\n", "pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>': "
                     "'garbage'", id="garbage"),
        # The installed sh script reads lines with `read`, which drops NUL bytes and ends the last line.
        pytest.param(b"\x00\xff\xfe binary \x1b[31m\n", "pre-push input line 1 is not '<local ref> <local oid> "
                     "<remote ref> <remote oid>': '\\\\udcff\\\\udcfe binary \\x1b[31m'", id="binary"),
        pytest.param(f"refs/heads/production {A} refs/heads/production".encode(),
                     "pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>': "
                     f"'refs/heads/production {A} refs/heads/production'", id="truncated"),
        pytest.param(f"refs/heads/production {A[:39]} refs/heads/production {B[:39]}\n".encode(),
                     f"pre-push input line 1 has '{A[:39]}' where an object name of 39 hex digits belongs",
                     id="short-hash"),
        pytest.param(f"refs/heads/production {A} refs/heads/production {'b' * 64}\n".encode(),
                     f"pre-push input line 1 has '{'b' * 64}' where an object name of 40 hex digits belongs",
                     id="mixed-hash"),
        pytest.param(f"refs/heads/production {'g' * 40} refs/heads/production {B}\n".encode(),
                     f"pre-push input line 1 has '{'g' * 40}' where an object name of 40 hex digits belongs",
                     id="not-hex"),
        pytest.param(f"refs/heads/production  {A} refs/heads/production {B}\n".encode(),
                     "pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>': "
                     f"'refs/heads/production  {A} refs/heads/production {B}'", id="double-space"),
    ],
)
def test_bad_pre_push_input_is_one_line_and_changes_nothing(pw: World, stdin: bytes, error: str) -> None:
    before, remote_before = snapshot(pw.work), snapshot(pw.remote)
    proc = subprocess.run(
        ["sh", str(pw.work / ".git" / "hooks" / "pre-push"), "origin", str(pw.remote)],
        cwd=pw.work, input=stdin, capture_output=True, check=False,
    )
    stderr = proc.stderr.decode()
    assert "Traceback" not in stderr
    assert proc.returncode == 1
    assert stderr.splitlines() == [f"hotfix-hooks (pre-push): {error}. {_PUSH_FIX}"]
    assert (snapshot(pw.work), snapshot(pw.remote)) == (before, remote_before)


def make_state(tmp_path: Path, state: str) -> Path:
    """A repository in one of the states users end up in (all made by this git, 2.39)."""
    base = tmp_path / "base"
    git(tmp_path, "init", "-q", str(base))
    commit_file(base, "a.txt", "a\n", "First")
    commit_file(base, "b.txt", "b\n", "Second")
    git(base, "branch", "production")
    path = tmp_path / state
    if state == "outside":
        path.mkdir()
    elif state == "bare":
        git(tmp_path, "clone", "-q", "--bare", str(base), str(path))
    elif state == "unborn":
        git(tmp_path, "init", "-q", str(path))
    elif state == "shallow":
        git(tmp_path, "clone", "-q", "--depth", "1", f"file://{base}", str(path))
    elif state == "detached":
        git(tmp_path, "clone", "-q", str(base), str(path))
        git(path, "checkout", "-q", "--detach", "HEAD~1")
    elif state == "sha256":
        git(tmp_path, "init", "-q", "--object-format=sha256", str(path))
        commit_file(path, "a.txt", "a\n", "First")
    elif state == "reftable":
        # git 2.39 cannot create a reftable repository (2.45 can); this is the config a newer git writes.
        git(tmp_path, "clone", "-q", str(base), str(path))
        git(path, "config", "core.repositoryformatversion", "1")
        git(path, "config", "extensions.refStorage", "reftable")
    elif state == "missing-production":
        git(tmp_path, "clone", "-q", str(base), str(path))
        (path / ".hotfix-hooks.yaml").write_text("production_branch: release\n")
    return path


NOT_A_REPO = "hotfix-hooks: not inside a git repository. To fix: cd into your repository, or run `git init`"
SHA256 = "hotfix-hooks: this repository uses SHA-256 object names, which hotfix-hooks does not support"
REFTABLE = "hotfix-hooks: this repository stores refs in reftable format, which hotfix-hooks does not support"
BARE = "hotfix-hooks: this is a bare repository; this command needs a work tree"


@pytest.mark.parametrize(
    ("state", "args", "error"),
    [
        ("outside", ["config"], NOT_A_REPO),
        ("outside", ["verify", "production..main"], NOT_A_REPO),
        ("outside", ["rollback", "--dry-run"], NOT_A_REPO),
        ("outside", ["install"], NOT_A_REPO),
        ("bare", ["config"], BARE),
        ("bare", ["rollback", "--dry-run"], BARE),
        ("unborn", ["rollback", "--dry-run"],
         "hotfix-hooks: there is no local branch 'main' to roll back. To fix: git fetch origin && "
         "git branch main origin/main"),
        ("unborn", ["verify", "production..main"],
         "hotfix-hooks: unknown revision in 'production..main'. To fix: fetch first (git fetch --all) and check "
         "the names"),
        ("shallow", ["rollback", "--dry-run"], None),
        ("detached", ["rollback", "--dry-run"], None),
        ("sha256", ["config"], SHA256),
        ("sha256", ["install"], SHA256),
        ("sha256", ["verify", "HEAD..HEAD"], SHA256),
        ("reftable", ["config"], REFTABLE),
        ("reftable", ["rollback", "--dry-run"], REFTABLE),
        ("reftable", ["verify", "HEAD..HEAD"], REFTABLE),
        ("missing-production", ["rollback", "--dry-run"],
         "hotfix-hooks: there is no local branch 'release' to roll back. To fix: git fetch origin && "
         "git branch release origin/release"),
        ("missing-production", ["verify", "HEAD~1..HEAD"], None),
        ("outside", ["start", "INC-1", "--severity", "1", "--commander", "A", "--description", "x"], NOT_A_REPO),
        ("bare", ["start", "INC-1", "--severity", "1", "--commander", "A", "--description", "x"], BARE),
        ("unborn", ["start", "INC-1", "--severity", "1", "--commander", "A", "--description", "x", "--no-fetch"],
         "hotfix-hooks: the base branch main does not exist. To fix: pass --base BRANCH with an existing branch"),
        ("sha256", ["start", "INC-1", "--severity", "1", "--commander", "A", "--description", "x"], SHA256),
        ("reftable", ["start", "INC-1", "--severity", "1", "--commander", "A", "--description", "x"], REFTABLE),
        ("missing-production", ["start", "INC-1", "--severity", "1", "--commander", "A", "--description", "x",
                                "--no-fetch"],
         "hotfix-hooks: the base branch release does not exist. To fix: pass --base BRANCH with an existing branch"),
        ("outside", ["finish", "--yes"], NOT_A_REPO),
        ("bare", ["finish", "--yes"], BARE),
        ("unborn", ["finish", "--yes"], "hotfix-hooks: not on a hotfix branch (main). To fix: switch to the hotfix "
                                        "branch, or pass the incident ID: hotfix-hooks finish INC-123"),
        ("detached", ["finish", "--yes"], "hotfix-hooks: not on a hotfix branch (detached HEAD). To fix: switch to "
                                          "the hotfix branch, or pass the incident ID: hotfix-hooks finish INC-123"),
        ("sha256", ["status"], SHA256),
        ("reftable", ["status"], REFTABLE),
        ("bare", ["status"], BARE),
        ("shallow", ["report", "INC-1"],
         "hotfix-hooks: no incident INC-1 is recorded. To fix: hotfix-hooks status --all"),
    ],
)
def test_unusual_repositories_get_one_clear_line(tmp_path: Path, state: str, args: list[str],
                                                 error: str | None) -> None:
    path = make_state(tmp_path, state)
    before = git_files(path)
    proc = hotfix_hooks(path, *args)
    if error is None:  # the command has nothing to work on: any one-line refusal, but never a traceback
        assert "Traceback" not in proc.stderr
        assert proc.returncode != 0 or proc.stderr == ""
        assert len(proc.stderr.splitlines()) <= 1
    else:
        assert_one_line_refusal(proc, error)
    assert git_files(path) == before


def test_a_shallow_clone_pushing_production_is_judged_not_crashed(bare_world: World) -> None:
    shallow = bare_world.tmp / "shallow"
    git(bare_world.tmp, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{bare_world.remote}",
        str(shallow))
    hotfix_hooks(shallow, "install", "--hook", "pre-push", check=True)
    git(shallow, "switch", "-q", "production")
    commit_file(shallow, "fix.txt", "fix\n", "Fix\n\nIncident: INC-1")
    proc = git(shallow, "push", "origin", "production", check=False)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert rev(bare_world.remote, "production") == rev(shallow, "production")



def start_args(**overrides: str | None) -> list[str]:
    values: dict[str, str | None] = {"id": "INC-42", "--severity": "1", "--commander": "Ana",
                                     "--description": "login down", "--ticket": None}
    values.update(overrides)
    args = ["start", str(values.pop("id")), "--no-fetch"]
    for flag, value in values.items():
        if value is not None:
            args += [flag, value]
    return args


@pytest.mark.parametrize(
    ("overrides", "word"),
    [
        pytest.param({"id": "INC/42"}, "INC/42", id="id-slash"),
        pytest.param({"id": "INC-..-1"}, "INC-..-1", id="id-dotdot"),
        pytest.param({"id": "INC 42"}, "INC 42", id="id-space"),
        pytest.param({"id": "INC-1;rm -rf ~"}, "INC-1;rm -rf ~", id="id-semicolon"),
        pytest.param({"id": "$(touch PWNED)"}, "$(touch PWNED)", id="id-command-substitution"),
        pytest.param({"id": "INC-1\nIncident: OPS-2"}, "invalid incident ID", id="id-newline"),
        pytest.param({"id": "INC-١٢"}, "invalid incident ID", id="id-non-ascii"),
        pytest.param({"id": "INC-" + "1" * 1000}, "invalid incident ID", id="id-1000-chars"),
        pytest.param({"id": ""}, "incident ID", id="id-empty"),
        pytest.param({"--commander": "Ana\nIncident: OPS-9"}, "commander", id="commander-newline"),
        pytest.param({"--commander": "   "}, "commander", id="commander-blank"),
        pytest.param({"--ticket": "ftp://tickets.example.com/1"}, "ticket", id="ticket-ftp"),
        pytest.param({"--ticket": "javascript:alert(1)"}, "ticket", id="ticket-javascript"),
        pytest.param({"--ticket": "https://user:tok@tickets.example.com/1"}, "ticket", id="ticket-credentials"),
        pytest.param({"--severity": "7"}, "severity", id="severity-out-of-range"),
        pytest.param({"--base": "nope"}, "the base branch nope does not exist", id="missing-production"),
        pytest.param({"--base": "production..main"}, "production..main", id="base-range"),
    ],
)
def test_start_refuses_hostile_values_with_one_line(bare_world: World, overrides: dict[str, str], word: str) -> None:
    world = bare_world
    before, state = snapshot(world.work), tree_state(world.work)
    proc = hotfix_hooks(world.work, *start_args(**overrides))
    assert "Traceback" not in proc.stderr
    assert proc.returncode != 0
    (line,) = proc.stderr.splitlines()
    assert line.startswith("hotfix-hooks: ")
    assert word in line
    assert "tok@" not in line
    assert (snapshot(world.work), tree_state(world.work)) == (before, state)
    assert not (world.work / "PWNED").exists()


@pytest.mark.parametrize(
    "description",
    [
        pytest.param("it's \"broken\"", id="quotes"),
        pytest.param("`rm -rf /` $(touch PWNED) ..~:@{^", id="backticks-and-ref-specials"),
        pytest.param("login 🔥 down 🚒", id="emoji"),
        pytest.param("خطأ في تسجيل الدخول", id="rtl"),
        pytest.param("?!... ---", id="only-punctuation"),
        pytest.param("word " * 2000, id="10000-chars"),
    ],
)
def test_start_turns_any_description_into_a_valid_branch(bare_world: World, description: str) -> None:
    world = bare_world
    proc = hotfix_hooks(world.work, *start_args(**{"--description": description}))
    assert proc.returncode == 0, proc.stderr
    branch = git(world.work, "symbolic-ref", "--short", "HEAD").stdout.strip()
    assert branch.startswith("hotfix/INC-42")
    assert len(branch) <= len("hotfix/INC-42-") + 48
    assert git(world.work, "check-ref-format", "--branch", branch).returncode == 0
    assert not (world.work / "PWNED").exists()


def test_a_ticket_url_with_a_token_is_stored_and_stamped_without_it(bare_world: World) -> None:
    work = bare_world.work
    hotfix_hooks(work, "install", check=True)
    proc = hotfix_hooks(work, *start_args(**{"--ticket": "https://tickets.example.com/1?access_token=s3cret"}))
    assert proc.returncode == 0, proc.stderr
    record = git(work, "show", "refs/hotfix-hooks/incidents/INC-42:incident.json").stdout
    assert '"ticket": "https://tickets.example.com/1?access_token=REDACTED"' in record
    commit_file(work, "fix.txt", "fix\n", "Fix the login")
    assert "Ticket: https://tickets.example.com/1?access_token=REDACTED" in git(work, "log", "-1", "--format=%B").stdout
    assert "s3cret" not in git(work, "log", "-1", "--format=%B").stdout + proc.stdout


@pytest.fixture
def hotfix_branch(bare_world: World) -> Path:
    """A clone with every client hook installed, on the branch `start` made for INC-42."""
    hotfix_hooks(bare_world.work, "install", check=True)
    hotfix_hooks(bare_world.work, *start_args(), check=True)
    return bare_world.work


def run_hook(work: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed hook script itself, as git runs it."""
    return subprocess.run(["sh", str(work / ".git" / "hooks" / hook), *args], cwd=work, capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"Fix\x00\x01\xff binary\n", id="binary"),
        pytest.param(b"Fix caf\xe9 latin-1\n\nbody \xe9\n", id="non-utf8"),
        pytest.param(b"Fix crlf\r\n\r\nbody line\r\n", id="crlf"),
        # git cuts lines at LF only; Python's splitlines would also cut at these and mangle the message
        pytest.param("Fix \f# not a comment \x85 nor \u2028 a line end\n".encode(), id="unicode-line-breaks"),
        pytest.param(b"Fix big\n\n" + b"x" * 99 + b"\n" * 1 + (b"y" * 99 + b"\n") * 50_000, id="5MB"),
    ],
)
def test_odd_message_files_keep_their_bytes_and_get_the_trailers_once(hotfix_branch: Path, content: bytes) -> None:
    message = hotfix_branch.parent / "message"
    message.write_bytes(content)
    for _ in range(2):  # a retried commit runs the hook again
        proc = run_hook(hotfix_branch, "prepare-commit-msg", str(message), "message")
        assert (proc.returncode, proc.stderr) == (0, "")
    result = message.read_bytes()
    if not content:  # an empty message stays empty so that git still aborts the commit
        assert result == b""
        return
    newline = b"\r\n" if b"\r\n" in content else b"\n"
    assert result.startswith(content.rstrip(b"\r\n"))
    assert result.endswith(newline.join([b"Incident: INC-42", b"Severity: 1 (CRITICAL)", b"Commander: Ana"]) + newline)
    assert result.count(b"Incident: INC-42") == 1


def test_a_message_file_that_is_not_a_file_fails_closed_and_is_left_alone(hotfix_branch: Path) -> None:
    message = hotfix_branch.parent / "message"
    message.mkdir()
    proc = run_hook(hotfix_branch, "prepare-commit-msg", str(message), "message")
    log = hotfix_branch / ".git" / "hotfix-hooks.log"
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"hotfix-hooks (prepare-commit-msg): internal error, refusing to guess (nothing was changed); see {log}. "
        "To bypass: set `fail_open: true` in .hotfix-hooks.yaml or HOTFIX_HOOKS_FAIL_OPEN=1"
    ]
    assert message.is_dir()
    assert list(message.iterdir()) == []
    assert "IsADirectoryError" in log.read_text()


def test_start_in_a_fresh_clone_branches_from_production_not_main(bare_world: World) -> None:
    git(bare_world.work, "switch", "-q", "main")
    commit_file(bare_world.work, "feature.txt", "unreleased\n", "Unreleased feature")
    git(bare_world.work, "push", "-q", "origin", "main")
    fresh = bare_world.clone("fresh")  # only `main` is a local branch here
    proc = hotfix_hooks(fresh, *start_args())
    assert proc.returncode == 0, proc.stderr
    assert "Branch hotfix/INC-42-login-down from production is checked out" in proc.stdout
    assert rev(fresh, "HEAD") == rev(bare_world.remote, "production")
