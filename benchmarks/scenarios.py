"""The issue's six measurements. Each scenario builds its own repositories, checks that the piece it measures
exists and does its job, then times hotfix-hooks against the alternative, interleaved."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import repos
from benchmarks.env import BenchError, git, output, rev, run
from benchmarks.measure import Command, Contender, interleaved, once, peak_mib
from benchmarks.report import Row, Side, Spec

HOTFIX_BRANCH = f"hotfix/{repos.INCIDENT}-checkout-outage"
PRE_COMMIT_CONFIG = """\
repos:
-   repo: local
    hooks:
    -   id: noop
        name: no-op
        entry: 'true'
        language: system
        stages: [prepare-commit-msg]
"""


@dataclasses.dataclass(frozen=True)
class Settings:
    runs: int
    big_runs: int
    warmup: int
    memory_runs: int
    tags: int
    big: repos.BigSizes


class Unavailable(Exception):
    """The piece this scenario measures is not on main yet."""


def needs(what: str, *modules: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(f"hotfix_lib.{m}") is None]
    if missing:
        raise Unavailable(f"{what} not on main yet (no hotfix_lib.{missing[0]})")


def _time(spec: Spec, a: Contender, b: Contender, s: Settings, note: str = "", big: bool = False) -> Row:
    # A run in the big repository takes seconds: fewer runs, one warm-up (it fills the page cache).
    runs, warmup = (s.big_runs, min(s.warmup, 1)) if big else (s.runs, s.warmup)
    times_a, times_b = interleaved(a, b, runs, warmup)
    return Row(spec, Side(a.label, tuple(times_a)), Side(b.label, tuple(times_b)), note=note)


def _peak(spec: Spec, label: str, make: Callable[[], Command], s: Settings, note: str = "") -> Row:
    return Row(spec, Side(label, tuple(peak_mib(make()) for _ in range(s.memory_runs))), note=note)


def specs(s: Settings) -> dict[str, Spec]:
    """Every row of the table, keyed as in the issue, so a scenario that cannot run still shows its rows."""
    b = s.big
    return {spec.key: spec for spec in (
        Spec("1", "commit, feature branch", "x", 1.5, "≤ 1.5×"),
        Spec("2", "commit, hotfix branch", "x", 0.75, "≤ 0.75×"),
        Spec("3a", "push, non-production branch", "x", 1.3, "≤ 1.3×"),
        Spec("3b", "push, production with backup tag", "x", 1.1, "≤ 1.1×"),
        Spec("4", f"backport {b.picks} commits, {b.files} files / {b.commits} commits", "x", 1 / 3,
             "≤ 0.33× (≥ 3× faster)"),
        Spec("5", f"what is on main, diverged by {b.diverge}", "x", 1.0, "≤ 1.0×"),
        Spec("6a", "peak memory, prepare-commit-msg hook (hotfix branch)", "MiB", 40, "≤ 40 MiB"),
        Spec("6b", f"peak memory, pre-push hook (production, {s.tags} backup tags)", "MiB", 40, "≤ 40 MiB"),
        Spec("6c", "peak memory, post-merge hook (hotfix merged into production)", "MiB", 40, "≤ 40 MiB"),
        Spec("6d", f"peak memory, backport ({b.files} files)", "MiB", 150, "≤ 150 MiB"),
    )}


def _advance(work: Path, branch: str) -> tuple[str, str]:
    """A new commit on `branch` without running any hook (what a merge or a commit would have left there)."""
    old = rev(work, f"refs/heads/{branch}")
    new = git(work, "commit-tree", f"{old}^{{tree}}", "-p", old, "-m", f"Work on {branch}").strip()
    git(work, "update-ref", f"refs/heads/{branch}", new, old)
    return old, new


def _advancer(work: Path, branch: str) -> Callable[[], None]:
    def advance() -> None:
        _advance(work, branch)

    return advance


def _hook(work: Path, hook_type: str) -> str:
    return str(work / git(work, "rev-parse", "--git-path", f"hooks/{hook_type}").strip())


def _commit(work: Path, subject: str) -> Command:
    return Command(work, ["git", "commit", "-q", "--allow-empty", "-m", subject])


# ---- 1. commit on a feature branch

def commit_feature(root: Path, s: Settings) -> list[Row]:
    needs("`hotfix-hooks install`", "commands.install")
    works = {}
    for name, install in (("feature-hooks", True), ("feature-plain", False)):
        works[name] = repos.world(root, name, install=install)
        git(works[name], "switch", "-q", "-c", "feature/login")
    a = Contender("all hooks", [_commit(works["feature-hooks"], "Tweak login page")])
    b = Contender("no hooks", [_commit(works["feature-plain"], "Tweak login page")])
    return [_time(specs(s)["1"], a, b, s)]


# ---- 2. commit on a hotfix branch (trailers) vs pre-commit running one no-op hook; 6a its peak memory

def commit_hotfix(root: Path, s: Settings) -> list[Row]:
    needs("the prepare-commit-msg hook", "commands.install", "hook_prepare_commit_msg")
    ours = repos.world(root, "hotfix-hooks")
    git(ours, "switch", "-q", "-c", HOTFIX_BRANCH, "production")
    repos.declare_incident(ours, HOTFIX_BRANCH)
    theirs = repos.world(root, "hotfix-pre-commit", install=False)
    (theirs / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG)
    git(theirs, "add", ".pre-commit-config.yaml")
    git(theirs, "commit", "-q", "-m", "Add pre-commit configuration")
    run(theirs, "pre-commit", "install", "--hook-type", "prepare-commit-msg")
    git(theirs, "switch", "-q", "-c", HOTFIX_BRANCH)

    # Both sides must really run: the trailers land, and pre-commit reports its hook.
    once(Contender("probe", [_commit(ours, "Fix checkout timeout")]))
    stamped = git(ours, "log", "-1", "--format=%(trailers:key=Incident,valueonly)").strip()
    if stamped != repos.INCIDENT:
        raise BenchError(f"the commit hook did not add `Incident: {repos.INCIDENT}` (got {stamped!r})")
    if "no-op" not in output(theirs, "git", "commit", "--allow-empty", "-m", "Fix checkout timeout"):
        raise BenchError("the pre-commit framework did not run its no-op hook")

    a = Contender("hotfix-hooks trailers", [_commit(ours, "Fix checkout timeout")])
    b = Contender("pre-commit no-op", [_commit(theirs, "Fix checkout timeout")])
    rows = [_time(specs(s)["2"], a, b, s)]

    message_file = ours / ".git" / "COMMIT_EDITMSG"

    def prepare() -> Command:
        message_file.write_text("Fix checkout timeout\n")
        return Command(ours, [_hook(ours, "prepare-commit-msg"), str(message_file), "message"])

    rows.append(_peak(specs(s)["6a"], "hook", prepare, s))
    return rows


# ---- 3a. push of a non-production branch

def push_feature(root: Path, s: Settings) -> list[Row]:
    needs("`hotfix-hooks install`", "commands.install")
    sides = []
    for name, install, label in (("push-hooks", True, "all hooks"), ("push-plain", False, "no hooks")):
        work = repos.world(root, name, install=install)
        git(work, "switch", "-q", "-c", "feature/search")
        sides.append(Contender(label, [Command(work, ["git", "push", "-q", "origin", "feature/search"])],
                               prepare=_advancer(work, "feature/search")))
    return [_time(specs(s)["3a"], sides[0], sides[1], s)]


# ---- 3b. production push taking a backup tag, many tags vs none; 6b the pre-push hook's peak memory

def _backups(git_dir: Path) -> int:
    return int(git(git_dir, "for-each-ref", "--format=x", "refs/tags/backup/").count("x"))


def push_production(root: Path, s: Settings) -> list[Row]:
    needs("the pre-push hook", "commands.install", "hook_pre_push")
    sides, bare = [], []
    for name, tags in (("prod-tags", s.tags), ("prod-no-tags", 0)):
        work = repos.world(root, name, tags=tags)
        sides.append(Contender(f"{tags} tags", [Command(work, ["git", "push", "-q", "origin", "production"])],
                               prepare=_advancer(work, "production")))
        bare.append(Contender(f"{tags} tags", [Command(work, ["git", "push", "-q", "--no-verify", "origin",
                                                              "production"])], prepare=_advancer(work, "production")))
    probe, remote = sides[1], root / "prod-no-tags.git"
    before = _backups(remote)
    once(probe)
    if _backups(remote) != before + 1:
        raise BenchError("the production push did not leave exactly one new backup tag on the remote")
    # git's own push grows with the number of refs on the remote; the same pushes without the hook show how much.
    git_a, git_b = (statistics.median(t) for t in interleaved(bare[0], bare[1], s.runs, s.warmup))
    note = (f"git push --no-verify alone: {git_a * 1000:.1f} ms vs {git_b * 1000:.1f} ms ({git_a / git_b:.2f}×); "
            "the hook's own tag push pays the same growth")
    rows = [_time(specs(s)["3b"], sides[0], sides[1], s, note=note)]

    work = root / "prod-tags"

    def prepare() -> Command:
        _, new = _advance(work, "production")
        old = rev(root / "prod-tags.git", "refs/heads/production")
        line = f"refs/heads/production {new} refs/heads/production {old}\n".encode()
        return Command(work, [_hook(work, "pre-push"), "origin", str(root / "prod-tags.git")], stdin=line)

    rows.append(_peak(specs(s)["6b"], "hook", prepare, s))
    return rows


# ---- 6c. post-merge on production: the backport of a merged hotfix branch, in a small repository

def post_merge(root: Path, s: Settings) -> list[Row]:
    needs("the post-merge backport", "commands.install", "hook_post_merge", "hook_prepare_commit_msg")
    work = repos.world(root, "merge")
    git(work, "switch", "-q", "-c", HOTFIX_BRANCH, "production")
    (work / "app.py").write_text("print('hello, fixed')\n")
    git(work, "commit", "-q", "-am", "Fix greeting")
    git(work, "switch", "-q", "production")
    production, main = rev(work, "production"), rev(work, "main")

    def prepare() -> Command:
        git(work, "reset", "-q", "--hard", production)
        git(work, "merge", "-q", "--no-ff", "-m", "Merge hotfix", HOTFIX_BRANCH)
        git(work, "update-ref", "refs/heads/main", main)
        return Command(work, [_hook(work, "post-merge"), "0"])

    row = _peak(specs(s)["6c"], "hook", prepare, s)
    if rev(work, "main") == main:
        raise BenchError("the post-merge hook did not backport the hotfix onto main")
    return [row]


# ---- 4. backport in the big repository vs git cherry-pick; 6d its peak memory; 5. what is already on main


def _tree_state(work: Path) -> str:
    """HEAD, the index file and every change git sees in the work tree, to prove a run left them alone."""
    status = git(work, "status", "--porcelain", "--untracked-files=all")
    index = hashlib.sha256((work / ".git" / "index").read_bytes()).hexdigest()
    return "\n".join((git(work, "symbolic-ref", "HEAD"), rev(work, "HEAD"), index, status))


def backport(root: Path, s: Settings, big: repos.Big) -> list[Row]:
    size = s.big
    needs("`hotfix-hooks backport`", "commands.backport")
    work, main = big.work, rev(big.work, "main")
    state: list[str] = []

    def reset() -> None:
        git(work, "update-ref", "refs/heads/main", main)

    def reset_and_record() -> None:
        reset()
        state[:] = [_tree_state(work)]

    def picked() -> None:
        count = int(git(work, "rev-list", "--count", f"{main}..main"))
        if count != size.picks:
            raise BenchError(f"main gained {count} commits, expected {size.picks}")

    def picked_untouched() -> None:
        picked()
        if _tree_state(work) != state[0]:
            raise BenchError("the backport changed HEAD, the index or the work tree")

    ours = Command(work, ["hotfix-hooks", "backport", f"{big.fork}..production", "--onto", "main"])
    a = Contender("hotfix-hooks backport", [ours], prepare=reset_and_record, check=picked_untouched)
    b = Contender("git switch + cherry-pick -x", [
        Command(work, ["git", "switch", "-q", "main"]),
        Command(work, ["git", "cherry-pick", "-x", *big.hotfixes]),
        Command(work, ["git", "switch", "-q", "production"]),
    ], prepare=reset, check=picked)
    rows = [_time(specs(s)["4"], a, b, s, note="work tree, index and HEAD checked identical after every run",
                  big=True)]

    def prepare() -> Command:
        reset()
        return ours

    rows.append(_peak(specs(s)["6d"], "backport", prepare, s))
    reset()
    return rows


def already_on_main(root: Path, s: Settings, big: repos.Big) -> list[Row]:
    needs("`hotfix-hooks backport --dry-run`", "commands.backport")
    work = big.work
    target = rev(work, "main-picked")

    def unchanged() -> None:
        if rev(work, "main-picked") != target:
            raise BenchError("--dry-run moved the target")

    a = Contender("backport --dry-run", [Command(work, ["hotfix-hooks", "backport", f"{big.fork}..production",
                                                        "--onto", "main-picked", "--dry-run"])], check=unchanged)
    b = Contender("git cherry", [Command(work, ["git", "cherry", "main-picked", "production"])])
    return [_time(specs(s)["5"], a, b, s, note=f"{big.already} of {len(big.hotfixes)} already there by patch-id",
                  big=True)]


# The rows each scenario produces.
Scenario = Callable[[Path, Settings], list[Row]]
BigScenario = Callable[[Path, Settings, repos.Big], list[Row]]
SMALL: Sequence[tuple[Sequence[str], Scenario]] = (
    (("1",), commit_feature),
    (("2", "6a"), commit_hotfix),
    (("3a",), push_feature),
    (("3b", "6b"), push_production),
    (("6c",), post_merge),
)
BIG: Sequence[tuple[Sequence[str], BigScenario]] = (
    (("4", "6d"), backport),
    (("5",), already_on_main),
)
