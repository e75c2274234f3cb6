"""The `hotfix-hooks` command. Subcommands live one per module in hotfix_lib.commands and load lazily,
so `hotfix-hooks status` does not pay for importing the backport engine."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence

import click

from hotfix_lib import __version__
from hotfix_lib.errors import HotfixError

# name -> module in hotfix_lib.commands that defines a click command called `command`
COMMANDS: dict[str, str] = {
    "install": "install",
    "uninstall": "install",
    "config": "config",
    "start": "start",
    "status": "status",
    "finish": "finish",
    "backport": "backport",
    "rollback": "rollback",
    "report": "report",
    "announce": "announce",
    "diagnose": "diagnose",
    "watch": "watch",
    "verify": "verify",
    "hook": "hook",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, module in COMMANDS.items() if _exists(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None or not _exists(module_name):
            return None
        module = importlib.import_module(f"hotfix_lib.commands.{module_name}")
        command = getattr(module, cmd_name.replace("-", "_"))
        assert isinstance(command, click.Command)
        return command


def _exists(module_name: str) -> bool:
    return importlib.util.find_spec(f"hotfix_lib.commands.{module_name}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotfix-hooks")
def cli() -> None:
    """Git hooks and commands for emergency hotfixes: start, commit, finish, backport, roll back."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of raising it.
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="hotfix-hooks",
                        standalone_mode=False)
    except HotfixError as e:
        click.echo(f"hotfix-hooks: {e}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("hotfix-hooks: aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("hotfix-hooks: interrupted", err=True)
        return 130
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
