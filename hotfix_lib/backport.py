"""Carrying hotfix commits to the backport targets, in memory.

Each commit is replayed onto the target the way `git cherry-pick -x` would (a three-way merge of its parent,
the target and the commit), without touching anybody's work tree, index or HEAD. The common case — the
target has not changed the files the commit touches — rebuilds only the trees along the changed paths;
anything else (a real content merge, renames, conflicts) falls back to libgit2's full merge_trees. The target
ref moves once per target, compare-and-swap, after every pick of that target succeeded.
"""

from __future__ import annotations

import fnmatch
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from hotfix_lib import backport_plan, incident_store, trailers
from hotfix_lib.backport_plan import CONFLICT, PICK, SKIP, Pick, TargetResult
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import clean_env, common_dir, run_git

if TYPE_CHECKING:
    import pygit2

    from hotfix_lib.config import Config

HEADS = "refs/heads/"
Entry = tuple[str, int]  # (oid hex, filemode) of a tree entry
PAUSE_ENV = "HOTFIX_HOOKS_TEST_PAUSE"


def checkpoint(name: str) -> None:
    """Fault-injection point for the crash tests: pause here so a test can SIGKILL the process."""
    if os.environ.get(PAUSE_ENV) == name:
        print(f"hotfix-hooks: paused at {name}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("HOTFIX_HOOKS_TEST_PAUSE_SECONDS", "30")))


# --- which commits -------------------------------------------------------------------------------------


def hotfix_commits(repo: pygit2.Repository, config: Config, tip: str, hide: Sequence[str]) -> list[pygit2.Commit]:
    """Non-merge commits in hide..tip, oldest first, that are hotfix commits: an `Incident:` trailer, or
    reachable from a hotfix branch head."""
    import pygit2

    walker = repo.walk(pygit2.Oid(hex=tip), pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
    for sha in hide:
        walker.hide(pygit2.Oid(hex=sha))
    commits = [c for c in walker if len(c.parents) == 1]
    heads = [ref.peel().id for ref in repo.references.iterator(pygit2.enums.ReferenceFilter.BRANCHES)
             if ref.name.startswith(HEADS + config.branch_prefix)]
    return [c for c in commits
            if trailers.incident_ids(c.message) or any(h == c.id or repo.descendant_of(h, c.id) for h in heads)]


def all_commits(repo: pygit2.Repository, tip: str, hide: Sequence[str]) -> list[pygit2.Commit]:
    import pygit2

    walker = repo.walk(pygit2.Oid(hex=tip), pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
    for sha in hide:
        walker.hide(pygit2.Oid(hex=sha))
    return [c for c in walker if len(c.parents) == 1]


def targets(repo: pygit2.Repository, config: Config, production: str, onto: Sequence[str] = ()) -> list[str]:
    """The target branches: --onto, else the configured ones; globs expand over local branches."""
    import pygit2

    local = sorted(r.name.removeprefix(HEADS) for r in repo.references.iterator(pygit2.enums.ReferenceFilter.BRANCHES))
    found: list[str] = []
    for pattern in onto or config.targets:
        names = fnmatch.filter(local, pattern) if any(c in pattern for c in "*?[") else [pattern]
        found += [n for n in names if n != production and n not in found]
    return found


# --- replaying one commit ------------------------------------------------------------------------------


def _entry(tree: pygit2.Tree, path: str) -> Entry | None:
    try:
        obj = tree[path]
    except KeyError:
        return None
    return str(obj.id), int(obj.filemode)


def _rewrite(repo: pygit2.Repository, tree: pygit2.Tree | None, changes: dict[str, Entry | None]) -> pygit2.Oid | None:
    """`tree` with the entries at `changes` replaced (None: removed); only trees on those paths are rebuilt."""
    import pygit2

    builder = repo.TreeBuilder(tree) if tree is not None else repo.TreeBuilder()
    direct: dict[str, Entry | None] = {}
    below: dict[str, dict[str, Entry | None]] = defaultdict(dict)
    for path, entry in changes.items():
        head, _, rest = path.partition("/")
        if rest:
            below[head][rest] = entry
        else:
            direct[head] = entry
    for head, sub in below.items():
        if direct.get(head) is not None:
            continue  # a file replaces this directory: everything below it goes with it
        existing = builder.get(head)
        subtree = existing if isinstance(existing, pygit2.Tree) else None
        new_id = _rewrite(repo, subtree, sub)
        if new_id is None:
            if existing is not None:
                builder.remove(head)
        else:
            builder.insert(head, new_id, pygit2.enums.FileMode.TREE)
    for head, entry in direct.items():
        if entry is not None:
            builder.insert(head, pygit2.Oid(hex=entry[0]), entry[1])
        elif head not in below and builder.get(head) is not None:
            builder.remove(head)  # (a removed file that became a directory was replaced above)
    if len(builder) == 0:
        return None  # git has no empty subtrees
    return builder.write()


def _fast_tree(repo: pygit2.Repository, commit: pygit2.Commit, target: pygit2.Tree) -> pygit2.Oid | None:
    """The picked tree when every path the commit changes is unchanged on the target (or already there);
    None when a real merge is needed."""
    import pygit2

    parent = commit.parents[0].tree
    changes: dict[str, Entry | None] = {}
    for delta in parent.diff_to_tree(commit.tree).deltas:
        if delta.status not in (pygit2.enums.DeltaStatus.ADDED, pygit2.enums.DeltaStatus.DELETED,
                                pygit2.enums.DeltaStatus.MODIFIED):
            return None
        path = delta.new_file.path or delta.old_file.path
        before, after, theirs = _entry(parent, path), _entry(commit.tree, path), _entry(target, path)
        if theirs == after:
            continue
        if theirs != before:
            return None
        if after is not None and after[1] == pygit2.enums.FileMode.TREE:
            return None
        changes[path] = after
    if not changes:
        return target.id
    new = _rewrite(repo, target, changes)
    return new if new is not None else repo.TreeBuilder().write()


def replay(repo: pygit2.Repository, commit: pygit2.Commit, onto: pygit2.Commit) -> tuple[pygit2.Oid | None, list[str]]:
    """(tree, []) for a clean pick, (None, conflicting paths) otherwise."""
    fast = _fast_tree(repo, commit, onto.tree)
    if fast is not None:
        return fast, []
    index = repo.merge_trees(commit.parents[0].tree, onto.tree, commit.tree)
    if index.conflicts is not None:
        paths = sorted({next(e.path for e in c if e is not None) for c in index.conflicts})
        return None, paths
    return index.write_tree(repo), []


# --- what the target already has -----------------------------------------------------------------------


class TargetHistory:
    """What the target gained since it split from the hotfix: `cherry picked from` lines, and patch-ids.

    Patch-ids are costly in a big tree, so they are computed only for target commits that touch every path a
    candidate touches. One pass over the target finds, for each of its commits, which of the hotfix commits'
    paths it changes, walking commit against parent only along those paths (a trie) and descending only
    where tree ids differ: most commits are ruled out at the first directory.
    """

    def __init__(
        self, repo: pygit2.Repository, tip: pygit2.Oid, fork: pygit2.Oid | None, commits: Sequence[pygit2.Commit]
    ) -> None:
        import pygit2

        self.repo = repo
        walker = repo.walk(tip, pygit2.enums.SortMode.NONE)
        if fork is not None:
            walker.hide(fork)
        self.commits = [c for c in walker if len(c.parents) == 1]
        self.named = {m: str(c.id) for c in self.commits for m in backport_plan.CHERRY_LINE.findall(c.message)}
        self._wanted = list(commits)
        self._touching: list[tuple[frozenset[str], pygit2.Commit]] | None = None
        self._path_sets: dict[pygit2.Oid, frozenset[str]] = {}

    def _paths(self, commit: pygit2.Commit) -> frozenset[str]:
        """The paths a commit changes (a full tree diff: a few ms in a big tree, so once per commit)."""
        if commit.id not in self._path_sets:
            self._path_sets[commit.id] = _paths(commit)
        return self._path_sets[commit.id]

    def _index(self) -> list[tuple[frozenset[str], pygit2.Commit]]:
        if self._touching is None:
            trie: dict[str, Any] = {}
            for commit in self._wanted:
                for path in self._paths(commit):
                    node = trie
                    for name in path.split("/"):
                        node = node.setdefault(name, {})
            self._touching = []
            for candidate in self.commits:
                changed: set[str] = set()
                _changed_under(candidate.parents[0].tree, candidate.tree, trie, "", changed)
                if changed:
                    self._touching.append((frozenset(changed), candidate))
        return self._touching

    def same_patch(self, commit: pygit2.Commit) -> str | None:
        paths = self._paths(commit)
        if not paths:
            return None
        mine: str | None = None
        for changed, candidate in self._index():
            if not paths <= changed or self._paths(candidate) != paths:
                continue
            mine = mine or patch_id(self.repo, commit)
            if patch_id(self.repo, candidate) == mine:
                return str(candidate.id)
        return None


def _paths(commit: pygit2.Commit) -> frozenset[str]:
    return frozenset(d.new_file.path or d.old_file.path
                     for d in commit.parents[0].tree.diff_to_tree(commit.tree).deltas)


def _child(tree: pygit2.Object | None, name: str) -> pygit2.Object | None:
    import pygit2

    if not isinstance(tree, pygit2.Tree):
        return None
    try:
        return tree[name]
    except KeyError:
        return None


def _leaves(trie: dict[str, Any], prefix: str) -> list[str]:
    if not trie:
        return [prefix]
    return [leaf for name, sub in trie.items() for leaf in _leaves(sub, f"{prefix}{name}" if not prefix
                                                                    else f"{prefix}/{name}")]


def _changed_under(
    before: pygit2.Object | None, after: pygit2.Object | None, trie: dict[str, Any], prefix: str, out: set[str]
) -> None:
    """Add to `out` every path of `trie` that differs between the two trees."""
    import pygit2

    for name, sub in trie.items():
        path = f"{prefix}/{name}" if prefix else name
        a, b = _child(before, name), _child(after, name)
        if a is None and b is None:
            continue
        if a is not None and b is not None and a.id == b.id and a.filemode == b.filemode:
            continue
        if sub and isinstance(a, pygit2.Tree) and isinstance(b, pygit2.Tree):
            _changed_under(a, b, sub, path, out)
        else:
            out.update(_leaves(sub, path))


def patch_id(repo: pygit2.Repository, commit: pygit2.Commit) -> str:
    return str(commit.parents[0].tree.diff_to_tree(commit.tree).patchid)


# --- one target ----------------------------------------------------------------------------------------


def plan_target(
    repo: pygit2.Repository, target: str, commits: Sequence[pygit2.Commit], committer: pygit2.Signature,
    start: str | None = None,
) -> TargetResult:
    """Replay `commits` onto `target` (or onto `start`, a resolved pick on top of it) in memory; the new
    commits exist, no ref has moved."""
    import pygit2

    ref = repo.references.get(HEADS + target)
    if ref is None:
        return TargetResult(target, None, None, (), note=f"no branch {target} here; nothing backported")
    tip = ref.peel(pygit2.Commit)
    fork = repo.merge_base(tip.id, commits[-1].id) if commits else None
    history = TargetHistory(repo, tip.id, fork, commits)
    current = _commit(repo, start) if start else tip
    picks: list[Pick] = []
    for commit in commits:
        sha, subject = str(commit.id), commit.message.split("\n", 1)[0]
        if fork is not None and (commit.id == fork or repo.descendant_of(fork, commit.id)):
            picks.append(Pick(sha, subject, SKIP, "already in the target's history"))
            continue
        if sha in history.named:
            picks.append(Pick(sha, subject, SKIP, f"cherry-picked before as {history.named[sha][:12]}"))
            continue
        same = history.same_patch(commit)
        if same is not None:
            picks.append(Pick(sha, subject, SKIP, f"same change as {same[:12]}"))
            continue
        tree, conflicts = replay(repo, commit, current)
        if tree is None:
            picks.append(Pick(sha, subject, CONFLICT, files=tuple(conflicts)))
            return TargetResult(target, str(tip.id), None, tuple(picks), partial=str(current.id))
        if tree == current.tree.id:
            picks.append(Pick(sha, subject, SKIP, "empty: the target already has this change"))
            continue
        new = repo.create_commit(None, commit.author, committer, backport_plan.cherry_message(commit.message, sha),
                                 tree, [current.id])
        current = _commit(repo, str(new))
        picks.append(Pick(sha, subject, PICK, new_sha=str(new)))
    moved = str(current.id) if current.id != tip.id else None
    return TargetResult(target, str(tip.id), moved, tuple(picks), partial=str(current.id))


def _commit(repo: pygit2.Repository, sha: str) -> pygit2.Commit:
    import pygit2

    commit = repo.get(sha)
    assert isinstance(commit, pygit2.Commit)
    return commit


def checkouts(repo: pygit2.Repository, target: str) -> list[str]:
    """Work trees (main and linked) that have `target` checked out."""
    found = []
    common = common_dir(repo)
    heads = [(common / "HEAD", repo.workdir)]
    for name in repo.list_worktrees():
        heads.append((common / "worktrees" / name / "HEAD", repo.lookup_worktree(name).path))
    for head_file, path in heads:
        try:
            head = head_file.read_text().strip()
        except OSError:
            continue
        if head == f"ref: {HEADS}{target}" and path:
            found.append(str(path))
    return found


def move_target(repo: pygit2.Repository, result: TargetResult) -> None:
    """Move the target from old_tip to new_tip (compare-and-swap), updating a checkout of it like git would."""
    import pygit2

    assert result.old_tip is not None
    assert result.new_tip is not None
    trees = checkouts(repo, result.target)
    for path in trees:
        status = run_git(["status", "--porcelain", "--untracked-files=no"], path, env=clean_env())
        if status.stdout.strip():
            raise HotfixError(f"{result.target} is checked out in {path} with local changes; it was not moved",
                              f"commit or stash them there, then hotfix-hooks backport --onto {result.target}")
    checkpoint("before-ref-update")
    ref = repo.references[HEADS + result.target]
    if str(ref.target) != result.old_tip:
        raise _Moved()
    for path in trees:
        run_git(["read-tree", "-m", "-u", result.old_tip, result.new_tip], path, env=clean_env())
    last = next(p for p in reversed(result.picks) if p.action == PICK)
    try:
        ref.set_target(pygit2.Oid(hex=result.new_tip), message=f"cherry-pick: {last.subject}")
    except pygit2.GitError:
        for path in trees:
            run_git(["read-tree", "-m", "-u", result.new_tip, result.old_tip], path, env=clean_env())
        raise _Moved() from None


class _Moved(Exception):
    """The target moved between plan and update: plan again on the new tip."""


def backport(
    repo: pygit2.Repository, commits: Sequence[pygit2.Commit], target_names: Iterable[str], dry_run: bool
) -> list[TargetResult]:
    committer = incident_store.signature(repo)
    results = []
    for target in target_names:
        for _ in range(10):
            result = plan_target(repo, target, commits, committer)
            checkpoint("planned")
            if not dry_run and result.conflict is not None:
                _stop_on_conflict(repo, result, commits)
            if dry_run or result.new_tip is None or result.conflict is not None:
                break
            try:
                move_target(repo, result)
                break
            except _Moved:
                continue  # someone moved the target meanwhile: recompute, never overwrite
        else:
            raise HotfixError(f"{target} kept moving while backporting", "run hotfix-hooks backport again")
        results.append(result)
    if not dry_run:
        record_events(repo, results, commits)
    return results


def _stop_on_conflict(repo: pygit2.Repository, result: TargetResult, commits: Sequence[pygit2.Commit]) -> None:
    from hotfix_lib import backport_state

    conflict = result.conflict
    assert conflict is not None
    assert result.old_tip is not None
    assert result.partial is not None
    shas = [str(c.id) for c in commits]
    backport_state.save(repo, backport_state.Pending(
        target=result.target, old_tip=result.old_tip, partial=result.partial,
        commits=tuple(shas[shas.index(conflict.sha):]), files=conflict.files,
    ))


def record_events(repo: pygit2.Repository, results: Sequence[TargetResult], commits: Sequence[pygit2.Commit]) -> None:
    """A `backport` event per target on the timeline of each incident the commits belong to."""
    incidents = sorted({i for c in commits for i in trailers.incident_ids(c.message)})
    known = [i for i in incidents if incident_store.load(repo, i) is not None]
    for result in results:
        if result.note or result.conflict is not None:
            continue
        data: dict[str, object] = {
            "target": result.target,
            "picked": [p.sha for p in result.picks if p.action == PICK],
            "new": [p.new_sha for p in result.picks if p.action == PICK],
            "skipped": [{"sha": p.sha, "reason": p.reason} for p in result.picks if p.action == SKIP],
        }
        for incident_id in known:
            incident_store.append_event(repo, incident_id, "backport", data)
