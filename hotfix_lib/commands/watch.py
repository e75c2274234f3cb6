"""`hotfix-hooks watch`: poll health URLs after a deploy and record every round on the incident's timeline."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from hotfix_lib import health, incident_store, redact
from hotfix_lib.commands._common import context
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import current_branch
from hotfix_lib.incident import ACTIVE, Incident

if TYPE_CHECKING:
    import pygit2

ROLLBACK = "hotfix-hooks rollback --dry-run, then hotfix-hooks rollback --yes"


@click.command()
@click.option("--url", "urls", multiple=True, metavar="URL", help="Health URL (repeatable). Default: health_urls.")
@click.option("--checks", type=click.IntRange(min=1), default=6, show_default=True, help="Rounds to run.")
@click.option("--interval", type=click.FloatRange(min=0), default=300, show_default=True,
              help="Seconds between rounds.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10, show_default=True,
              help="Seconds each request may take.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per check on stdout (stable keys).")
def watch(urls: tuple[str, ...], checks: int, interval: float, timeout: float, as_json: bool) -> None:
    """Check health URLs CHECKS times, INTERVAL seconds apart; exit 1 if any check failed."""
    ctx = context()
    targets = urls or ctx.config.health_urls
    if not targets:
        raise HotfixError("no health URLs to watch", "pass --url https://host/health, or set health_urls in "
                          ".hotfix-hooks.yaml")
    for url in targets:
        health.validate(url)
    record = _incident(ctx.repo)
    out = _Output(as_json, rounds=checks, live=sys.stdout.isatty() and not as_json)
    results: list[health.Check] = []
    round_no = 1
    try:
        for round_no in range(1, checks + 1):
            if round_no > 1:
                out.wait(interval, round_no)
            for url in targets:
                out.progress(f"round {round_no}/{checks}: checking {redact.url(url)} ...")
                results.append(_record(ctx.repo, record, out, health.probe(url, round_no, timeout)))
    except KeyboardInterrupt:
        _interrupted(ctx.repo, record, out, targets, results, round_no, checks)
    out.progress("")
    failed = [c for c in results if not c.ok]
    if failed:
        first = failed[0]
        raise HotfixError(
            f"{len(failed)} of {len(results)} health checks failed (first: round {first.round} {first.url}: "
            f"{first.reason}){_where(record)}", ROLLBACK,
        )
    if not as_json:
        click.echo(f"All {len(results)} health checks passed ({checks} round(s), {len(targets)} URL(s))"
                   f"{_where(record)}.")


def _incident(repo: pygit2.Repository) -> Incident | None:
    """The incident whose branch is checked out, else the only active one (after `finish` the branch is gone)."""
    branch = current_branch(repo)
    active = [r for r in incident_store.list_all(repo) if r.status == ACTIVE]
    here = [r for r in active if r.branch == branch]
    if here or len(active) == 1:
        return (here or active)[0]
    if active:
        ids = ", ".join(r.id for r in active)
        click.echo(f"hotfix-hooks: note: {len(active)} active incidents ({ids}); results are not recorded. "
                   "Run watch on the incident's branch to record them.", err=True)
    return None


def _record(repo: pygit2.Repository, record: Incident | None, out: _Output, check: health.Check) -> health.Check:
    if record is not None:
        incident_store.append_event(repo, record.id, "watch", check.data())
    out.result(check)
    return check


def _interrupted(
    repo: pygit2.Repository, record: Incident | None, out: _Output, targets: Sequence[str],
    results: list[health.Check], round_no: int, checks: int,
) -> None:
    """Ctrl-C: record the checks of this round that never ran, say how far it got, exit 130."""
    done = sum(c.round == round_no for c in results)  # the URLs are checked in order
    complete = round_no if done == len(targets) else round_no - 1
    reason = f"stopped by Ctrl-C after {complete} of {checks} rounds"
    for url in targets[done:]:
        _record(repo, record, out, health.Check(redact.url(url), round_no, None, None, False, reason))
    out.progress("")
    failed = sum(not c.ok for c in results)
    advice = f"; {failed} check(s) had failed: to roll back, {ROLLBACK}" if failed else ""
    click.echo(f"hotfix-hooks: watch {reason}{_where(record)}{advice}", err=True)
    # Not click's Exit: with standalone_mode=False click returns its code and cli.main drops it.
    sys.exit(130)


def _where(record: Incident | None) -> str:
    return f"; recorded on the timeline of {record.id}" if record is not None else ""


class _Output:
    """Plain lines (or JSON lines) for logs and pipes; on a terminal, also a progress line kept at the bottom."""

    def __init__(self, as_json: bool, rounds: int, live: bool) -> None:
        self.as_json = as_json
        self.rounds = rounds
        self.live = live
        self.shown = False

    def result(self, check: health.Check) -> None:
        self.progress("")
        click.echo(json.dumps(check.data(), sort_keys=True) if self.as_json else check.line(self.rounds))

    def progress(self, text: str) -> None:
        if not self.live or (not text and not self.shown):
            return
        click.echo(f"\r\033[K{text}", nl=False)
        sys.stdout.flush()
        self.shown = bool(text)

    def wait(self, seconds: float, next_round: int) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.progress(f"round {next_round}/{self.rounds} in {int(left) + 1}s (Ctrl-C stops)")
            time.sleep(min(1.0, left))
