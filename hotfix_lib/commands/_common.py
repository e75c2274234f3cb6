"""What every subcommand needs: the repository, its configuration, and prompts that respect no-TTY."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING

import click

from hotfix_lib import config as config_mod
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import open_repo, production_branch, workdir

if TYPE_CHECKING:
    import pygit2


@dataclasses.dataclass
class Context:
    repo: pygit2.Repository
    config: config_mod.Config
    root: str  # the work tree root

    @property
    def production(self) -> str:
        return production_branch(self.repo, self.config)


def context() -> Context:
    repo = open_repo()
    root = workdir(repo)
    return Context(repo=repo, config=config_mod.load(root), root=root)


def interactive() -> bool:
    return sys.stdin.isatty()


def prompt_or_fail(value: str | None, flag: str, text: str) -> str:
    """The value, else a prompt at a TTY, else an error naming the flag (hooks and CI have no TTY)."""
    if value is not None:
        return value
    if not interactive():
        raise HotfixError(f"missing {flag}", f"pass {flag} (no terminal to ask on)")
    answer: str = click.prompt(text)
    return answer
