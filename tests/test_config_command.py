"""`hotfix-hooks config`: the effective configuration, and every way a `.hotfix-hooks.yaml` can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import World
from tests.gitutil import git, hotfix_hooks

ALLOWED_KEYS = (
    "backport_targets, branch_prefix, fail_open, health_urls, incident_pattern, main_branch, production_branch, "
    "protect_production, push_backup_tags, remote, require_backup, require_incident_trailer, subject_prefix, tags, "
    "webhook_url"
)


def test_defaults_and_the_resolved_production_branch(world: World) -> None:
    result = hotfix_hooks(world.work, "config")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "production_branch:        (not set)  (default)\n"
        "main_branch:              main  (default)\n"
        "backport_targets:         []  (default)\n"
        "remote:                   origin  (default)\n"
        "incident_pattern:         [A-Z][A-Z0-9]*-[0-9]+  (default)\n"
        "branch_prefix:            hotfix/  (default)\n"
        "tags.backup:              backup/pre-hotfix-{time}  (default)\n"
        "tags.deploy:              hotfix-deploy-{time}  (default)\n"
        "tags.rollback:            rollback-{time}  (default)\n"
        "tags.rolled_back:         rolled-back/{time}  (default)\n"
        "tags.archive:             archive/{branch}  (default)\n"
        "push_backup_tags:         true  (default)\n"
        "require_backup:           true  (default)\n"
        "protect_production:       true  (default)\n"
        "subject_prefix:           false  (default)\n"
        "fail_open:                false  (default)\n"
        "require_incident_trailer: true  (default)\n"
        "health_urls:              []  (default)\n"
        "webhook_url:              (not set)  (default)\n"
        "production branch in use: production  (the branch `production` exists)\n"
    )


def test_values_from_the_file_say_so(repo: Path) -> None:
    (repo / ".hotfix-hooks.yaml").write_text(
        "main_branch: trunk\nbackport_targets: [trunk, 'release/*']\npush_backup_tags: false\n"
        "tags:\n  backup: safety/{time}\n"
    )
    sub = repo / "src"
    sub.mkdir()
    result = hotfix_hooks(sub, "config")
    assert result.returncode == 0
    source = f"(from {repo / '.hotfix-hooks.yaml'})"
    out = result.stdout.splitlines()
    assert f"main_branch:              trunk  {source}" in out
    assert f"backport_targets:         [trunk, release/*]  {source}" in out
    assert f"push_backup_tags:         false  {source}" in out
    assert f"tags.backup:              safety/{{time}}  {source}" in out
    assert "tags.deploy:              hotfix-deploy-{time}  (default)" in out
    assert "remote:                   origin  (default)" in out
    assert out[-1] == "production branch in use: trunk  (no `production` branch, so main_branch)"


def test_an_explicit_production_branch_wins(repo: Path) -> None:
    git(repo, "branch", "production")
    (repo / ".hotfix-hooks.yaml").write_text("production_branch: live\n")
    out = hotfix_hooks(repo, "config").stdout.splitlines()
    assert out[0] == f"production_branch:        live  (from {repo / '.hotfix-hooks.yaml'})"
    assert out[-1] == "production branch in use: live  (production_branch)"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        pytest.param(b"colour: red\n", f"unknown key 'colour'; allowed keys: {ALLOWED_KEYS}", id="unknown-key"),
        pytest.param(b"1: x\n", f"unknown key 1; allowed keys: {ALLOWED_KEYS}", id="non-string-key"),
        pytest.param(b"fail_open: 'yes'\n", "key 'fail_open' must be true or false, got a string", id="bool"),
        pytest.param(b"fail_open:\n", "key 'fail_open' must be true or false, got nothing (null)", id="bool-null"),
        pytest.param(b"remote: 3\n", "key 'remote' must be a non-empty string, got a number", id="string"),
        pytest.param(b"main_branch: ''\n", "key 'main_branch' must be a non-empty string, got a string",
                     id="empty-string"),
        pytest.param(b"webhook_url: [a]\n", "key 'webhook_url' must be a non-empty string, got a list",
                     id="string-or-null"),
        pytest.param(b"backport_targets: main\n",
                     "key 'backport_targets' must be a list of non-empty strings, got a string", id="list"),
        pytest.param(b"health_urls: [http://x, 3]\n",
                     "key 'health_urls' must be a list of non-empty strings, got a list", id="list-item"),
        pytest.param(b"tags: x\n",
                     "key 'tags' must be a mapping with keys backup, deploy, rollback, rolled_back, archive, "
                     "got a string", id="tags-mapping"),
        pytest.param(b"tags: {backup: 3}\n", "key 'tags.backup' must be a non-empty string, got a number",
                     id="tag-type"),
        pytest.param(b"tags: {nightly: 'n-{time}'}\n",
                     "unknown key 'tags.nightly'; allowed keys: backup, deploy, rollback, rolled_back, archive",
                     id="tag-unknown"),
        pytest.param(b"tags: {backup: 'b/{branch}'}\n",
                     "key 'tags.backup' must use the placeholders {time} and no others", id="tag-placeholder"),
        pytest.param(b"tags: {archive: fixed}\n",
                     "key 'tags.archive' must use the placeholders {branch}, {id} and no others",
                     id="tag-no-placeholder"),
        pytest.param(b"branch_prefix: hotfix\n", "key 'branch_prefix' must end with '/', got 'hotfix'",
                     id="prefix"),
        pytest.param(b"incident_pattern: '[A-Z'\n",
                     "key 'incident_pattern' is not a valid regular expression: unterminated character set at "
                     "position 0", id="bad-regex"),
        pytest.param(b"incident_pattern: '[A-Z]*'\n",
                     "key 'incident_pattern' must not match an empty incident ID", id="empty-matching-regex"),
        pytest.param(b"- main\n- production\n", "expected a mapping of keys to values, got a list",
                     id="not-a-mapping"),
        pytest.param(b"42\n", "expected a mapping of keys to values, got a number", id="scalar"),
        pytest.param(b"remote: [origin\n", "invalid YAML at line 2: expected ',' or ']', but got '<stream end>'",
                     id="invalid-yaml"),
        pytest.param(b"remote: !!python/object:os.system {}\n",
                     "invalid YAML at line 1: could not determine a constructor for the tag "
                     "'tag:yaml.org,2002:python/object:os.system'", id="python-tag"),
        pytest.param(b"remote: \xff\xfe\n", "not UTF-8 text", id="not-utf8"),
        pytest.param(b"#" * 65537, "larger than 65536 bytes; this is not a hotfix-hooks config", id="too-large"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_file_key_and_what_is_allowed(
    repo: Path, content: bytes, error: str
) -> None:
    path = repo / ".hotfix-hooks.yaml"
    path.write_bytes(content)
    result = hotfix_hooks(repo, "config")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"hotfix-hooks: {path}: {error}\n"


def test_a_directory_where_the_config_file_should_be(repo: Path) -> None:
    path = repo / ".hotfix-hooks.yaml"
    path.mkdir()
    result = hotfix_hooks(repo, "config")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"hotfix-hooks: {path}: is a directory, expected a YAML file. To fix: move it out of "
                             f"the way (mv {path} {path}.d) or write the config there\n")
