"""The optional `.hotfix-hooks.yaml`: defaults, validation, and where each value came from.

Pure apart from reading the one file; never touches git. `yaml` is imported only when the file
exists, because hooks load the configuration on every run.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from typing import Any

from hotfix_lib.errors import HotfixError

CONFIG_FILE = ".hotfix-hooks.yaml"
# A config file is a few dozen lines; anything this large is a mistake or an attack.
MAX_CONFIG_BYTES = 64 * 1024

DEFAULT_TAGS: dict[str, str] = {
    "backup": "backup/pre-hotfix-{time}",
    "deploy": "hotfix-deploy-{time}",
    "rollback": "rollback-{time}",
    "rolled_back": "rolled-back/{time}",
    "archive": "archive/{branch}",
}
# The placeholders each tag template may use.
TAG_FIELDS: dict[str, frozenset[str]] = {
    "backup": frozenset({"time"}),
    "deploy": frozenset({"time"}),
    "rollback": frozenset({"time"}),
    "rolled_back": frozenset({"time"}),
    "archive": frozenset({"branch", "id"}),
}


@dataclasses.dataclass(frozen=True)
class Config:
    # None: `production` if that branch exists, else `main_branch` (resolved against the repository).
    production_branch: str | None = None
    main_branch: str = "main"
    # Empty: [main_branch]. Entries may be globs such as `release/*`.
    backport_targets: tuple[str, ...] = ()
    remote: str = "origin"
    incident_pattern: str = r"[A-Z][A-Z0-9]*-[0-9]+"
    branch_prefix: str = "hotfix/"
    tags: Mapping[str, str] = dataclasses.field(default_factory=lambda: dict(DEFAULT_TAGS))
    push_backup_tags: bool = True
    require_backup: bool = True
    protect_production: bool = True
    subject_prefix: bool = False
    fail_open: bool = False
    require_incident_trailer: bool = True
    health_urls: tuple[str, ...] = ()
    webhook_url: str | None = None
    # key -> where its value came from ("default" or the file's path)
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def targets(self) -> tuple[str, ...]:
        return self.backport_targets or (self.main_branch,)

    def tag(self, kind: str, **fields: str) -> str:
        return self.tags[kind].format(**fields)


_FIELDS = {f.name: f for f in dataclasses.fields(Config) if f.name != "sources"}
_STR_OR_NONE = {"production_branch", "webhook_url"}
_STR = {"main_branch", "remote", "incident_pattern", "branch_prefix"}
_BOOL = {
    "push_backup_tags",
    "require_backup",
    "protect_production",
    "subject_prefix",
    "fail_open",
    "require_incident_trailer",
}
_STR_LIST = {"backport_targets", "health_urls"}


def load(root: str) -> Config:
    """Load `<root>/.hotfix-hooks.yaml`, or the defaults when there is none."""
    path = os.path.join(root, CONFIG_FILE)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return Config(sources=dict.fromkeys(_FIELDS, "default"))
    except IsADirectoryError:
        # never suggest deleting it: the directory may hold something the user wants
        raise HotfixError(f"{path}: is a directory, expected a YAML file",
                          f"move it out of the way (mv {path} {path}.d) or write the config there") from None
    except OSError as e:
        raise HotfixError(f"{path}: cannot read: {e.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise HotfixError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; this is not a hotfix-hooks config")
    return parse(raw, path)


def parse(raw: bytes, path: str = CONFIG_FILE) -> Config:
    import yaml

    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise HotfixError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or type(e).__name__
        raise HotfixError(f"{path}: invalid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise HotfixError(f"{path}: expected a mapping of keys to values, got {_kind(data)}")
    return from_mapping(data, path)


def from_mapping(data: Mapping[Any, Any], path: str) -> Config:
    values: dict[str, Any] = {}
    sources = dict.fromkeys(_FIELDS, "default")
    allowed = ", ".join(sorted(_FIELDS))
    for key, value in data.items():
        if not isinstance(key, str) or key not in _FIELDS:
            raise HotfixError(f"{path}: unknown key {key!r}; allowed keys: {allowed}")
        values[key] = _validate(path, key, value)
        sources[key] = path
    return Config(**values, sources=sources)


def _validate(path: str, key: str, value: Any) -> Any:
    if key in _BOOL:
        if not isinstance(value, bool):
            raise _type_error(path, key, value, "true or false")
        return value
    if key in _STR or (key in _STR_OR_NONE and value is not None):
        if not isinstance(value, str) or not value.strip():
            raise _type_error(path, key, value, "a non-empty string")
        if key == "incident_pattern":
            _check_pattern(path, value)
        if key == "branch_prefix" and not value.endswith("/"):
            raise HotfixError(f"{path}: key 'branch_prefix' must end with '/', got {value!r}")
        return value
    if key in _STR_OR_NONE:
        return None
    if key in _STR_LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise _type_error(path, key, value, "a list of non-empty strings")
        return tuple(value)
    if key == "tags":
        return _validate_tags(path, value)
    raise AssertionError(key)  # every field is covered above


def _check_pattern(path: str, pattern: str) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise HotfixError(f"{path}: key 'incident_pattern' is not a valid regular expression: {e}") from None
    if compiled.fullmatch("") is not None:
        raise HotfixError(f"{path}: key 'incident_pattern' must not match an empty incident ID")


def _validate_tags(path: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _type_error(path, "tags", value, f"a mapping with keys {', '.join(DEFAULT_TAGS)}")
    tags = dict(DEFAULT_TAGS)
    for kind, template in value.items():
        if kind not in DEFAULT_TAGS:
            raise HotfixError(f"{path}: unknown key 'tags.{kind}'; allowed keys: {', '.join(DEFAULT_TAGS)}")
        if not isinstance(template, str) or not template.strip():
            raise _type_error(path, f"tags.{kind}", template, "a non-empty string")
        fields = set(re.findall(r"{(\w*)}", template))
        unknown = fields - TAG_FIELDS[kind]
        if unknown or not fields:
            allowed = ", ".join("{" + f + "}" for f in sorted(TAG_FIELDS[kind]))
            raise HotfixError(f"{path}: key 'tags.{kind}' must use the placeholders {allowed} and no others")
        tags[kind] = template
    return tags


def _type_error(path: str, key: str, value: Any, expected: str) -> HotfixError:
    return HotfixError(f"{path}: key {key!r} must be {expected}, got {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)
