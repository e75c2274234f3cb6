"""`hotfix-hooks config` output: every key's effective value and where it came from. Pure."""

from __future__ import annotations

import dataclasses

from hotfix_lib.config import DEFAULT_TAGS, Config


def describe(config: Config, production: str) -> list[str]:
    rows: list[tuple[str, str, str]] = []
    for field in dataclasses.fields(config):
        if field.name == "sources":
            continue
        source = _source(config.sources.get(field.name, "default"))
        value = getattr(config, field.name)
        if field.name == "tags":
            # Sources are per key; an entry the file left out (or set to the default) shows as the default.
            rows.extend(
                (f"tags.{kind}", template, "default" if template == DEFAULT_TAGS[kind] else source)
                for kind, template in value.items()
            )
        else:
            rows.append((field.name, _show(value), source))
    width = max(len(key) for key, _, _ in rows) + 1
    lines = [f"{key + ':':<{width}} {value}  ({source})" for key, value, source in rows]
    lines.append(f"production branch in use: {production}  ({_why(config, production)})")
    return lines


def _source(source: str) -> str:
    return "default" if source == "default" else f"from {source}"


def _show(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _why(config: Config, production: str) -> str:
    if config.production_branch:
        return "production_branch"
    if production == "production":
        return "the branch `production` exists"
    return "no `production` branch, so main_branch"
