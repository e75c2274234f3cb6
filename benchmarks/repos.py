"""The repositories the harness measures in, built deterministically with `git fast-import` (fixed authors,
dates and contents), so two runs of the harness measure the same objects."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from benchmarks.env import git, hotfix_hooks

EPOCH = 1_700_000_000
WHO = "Bench Author <bench@example.com>"
INCIDENT = "INC-9"


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def _commit(ref: str, mark: int, when: int, message: str, changes: dict[str, str], parent: int | None) -> bytes:
    out = [f"commit {ref}\nmark :{mark}\nauthor {WHO} {when} +0000\ncommitter {WHO} {when} +0000\n".encode(),
           _data(message)]
    if parent is not None:
        out.append(f"from :{parent}\n".encode())
    for path, content in changes.items():
        out.append(f"M 100644 inline {path}\n".encode())
        out.append(_data(content))
    return b"".join(out)


def _import(git_dir: Path, chunks: Iterator[bytes]) -> None:
    git(git_dir, "fast-import", "--quiet", "--done", input=b"".join(chunks) + b"done\n")


# ---- small worlds: a bare remote and a clone with main and production, like a team's repository


def _small_history(tags: int) -> Iterator[bytes]:
    yield _commit("refs/heads/main", 1, EPOCH, "Initial commit\n", {"app.py": "print('hello')\n"}, None)
    yield _commit("refs/heads/main", 2, EPOCH + 60, "Add readme\n", {"README.md": "# app\n"}, 1)
    yield b"reset refs/heads/production\nfrom :2\n\n"
    # Earlier production pushes left their backup tags behind, one per second.
    for n in range(tags):
        day, second = divmod(n, 86_400)
        hh, rest = divmod(second, 3600)
        name = f"backup/pre-hotfix-202401{1 + day:02d}-{hh:02d}{rest // 60:02d}{rest % 60:02d}"
        yield f"tag {name}\nfrom :1\ntagger {WHO} {EPOCH + n} +0000\n".encode()
        yield _data(f"backup of production before push {n}\n")


def world(root: Path, name: str, *, tags: int = 0, install: bool = True) -> Path:
    """`<name>.git` (the remote) and `<name>` (a clone on main with a local production branch)."""
    remote, work = root / f"{name}.git", root / name
    git(root, "init", "-q", "--bare", str(remote))
    _import(remote, _small_history(tags))
    # fast-import leaves every ref loose; a remote that has lived with many tags has had them packed by gc.
    git(remote, "pack-refs", "--all")
    git(root, "clone", "-q", str(remote), str(work))
    git(work, "branch", "-q", "--track", "production", "origin/production")
    if install:
        hotfix_hooks(work, "install")
    return work


def declare_incident(work: Path, branch: str) -> None:
    """The incident record a `hotfix-hooks start` leaves, so the commit hook stamps every trailer."""
    from hotfix_lib import incident, incident_store
    from hotfix_lib.gitrepo import open_repo

    record = incident.Incident(id=INCIDENT, severity=1, commander="Dana On-Call", description="checkout outage",
                               ticket="https://tickets.example.com/INC-9", base="production", branch=branch,
                               started_at=incident.now_utc())
    incident_store.create(open_repo(str(work)), record)


# ---- the big repository: main and production diverged, hotfix commits on production


@dataclasses.dataclass(frozen=True)
class BigSizes:
    files: int
    commits: int  # on main, the initial commit included
    diverge: int  # of those, how many main has since production forked
    picks: int  # hotfix commits on production since the fork


@dataclasses.dataclass(frozen=True)
class Big:
    work: Path  # on production, checked out
    fork: str  # tag at the fork point
    hotfixes: tuple[str, ...]  # oldest first
    already: int  # how many hotfix commits `main-picked` already has (same patch, another commit)


def _path(i: int) -> str:
    return f"src/d{i // 100:03d}/f{i:05d}.txt"


def _big_history(size: BigSizes) -> Iterator[bytes]:
    # The last `picks` files belong to the hotfixes: main never touches them, so every pick applies cleanly.
    ordinary = size.files - size.picks
    yield _commit("refs/heads/main", 1, EPOCH, "Initial import\n",
                  {_path(i): f"file {i}\n" for i in range(size.files)}, None)
    fork = size.commits - size.diverge
    for k in range(2, size.commits + 1):
        i = (k * 7919) % ordinary
        yield _commit("refs/heads/main", k, EPOCH + 60 * k, f"Change {i} (#{k})\n",
                      {_path(i): f"file {i}\nrevision {k}\n"}, k - 1)
        if k == fork:
            yield f"reset refs/tags/bench-fork\nfrom :{k}\n\n".encode()
    parent = fork
    for j in range(size.picks):
        mark = size.commits + 1 + j
        yield _commit("refs/heads/production", mark, EPOCH + 60 * mark,
                      f"Fix checkout outage, part {j + 1}\n\nIncident: {INCIDENT}\n",
                      {_path(ordinary + j): f"file {ordinary + j}\nhotfix {j}\n"}, parent)
        parent = mark
    # main-picked: main plus a few of the hotfixes applied by hand (no -x line; same patch-id).
    parent = size.commits
    for n, j in enumerate(range(0, size.picks, 4)):
        mark = size.commits + size.picks + 1 + n
        yield _commit("refs/heads/main-picked", mark, EPOCH + 60 * mark, f"Fix checkout outage, part {j + 1}\n",
                      {_path(ordinary + j): f"file {ordinary + j}\nhotfix {j}\n"}, parent)
        parent = mark


def big(root: Path, size: BigSizes) -> Big:
    if not 0 < size.diverge < size.commits or not 0 < size.picks < size.files:
        raise ValueError(f"inconsistent sizes: {size}")
    work = root / "big"
    git(root, "init", "-q", str(work))
    _import(work, _big_history(size))
    git(work, "symbolic-ref", "HEAD", "refs/heads/production")
    git(work, "reset", "-q", "--hard")
    hotfixes = git(work, "rev-list", "--reverse", "bench-fork..production").split()
    return Big(work=work, fork="bench-fork", hotfixes=tuple(hotfixes), already=len(range(0, size.picks, 4)))
