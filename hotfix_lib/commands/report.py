from __future__ import annotations

import os

import click

from hotfix_lib import report as report_mod
from hotfix_lib import report_facts
from hotfix_lib.commands._common import context
from hotfix_lib.finish import resolve


@click.command()
@click.argument("incident_id")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
def report(incident_id: str, fmt: str, output: str | None) -> None:
    """The incident report, filled with facts from git and the incident record."""
    ctx = context()
    facts = report_facts.gather(ctx, resolve(ctx, incident_id))
    text = report_mod.to_json(facts) if fmt == "json" else report_mod.to_markdown(facts)
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = f"{output}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, output)
    click.echo(f"wrote {output}")
