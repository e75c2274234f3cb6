"""The pure parts of `diagnose`: durations, configuration-like files, ages."""

from __future__ import annotations

import pytest

from hotfix_lib import diagnosis
from hotfix_lib.diagnosis import FileChange


@pytest.mark.parametrize(("text", "seconds"), [
    ("90m", 5400), ("24h", 86400), ("2d", 172800), ("1h30m", 5400), ("1w", 604800), ("45s", 45),
    ("24", None), ("h", None), ("2 d", None), ("-1h", None), ("main", None), ("HEAD~3", None), ("1y", None),
])
def test_durations(text: str, seconds: int | None) -> None:
    assert diagnosis.parse_duration(text) == seconds


@pytest.mark.parametrize("path", [
    "config/app.yaml", "k8s/deployment.yml", "pyproject.toml", "setup.cfg", "tox.ini", "package.json",
    ".env", ".env.production", "deploy/prod.env", "Dockerfile", "docker/Dockerfile.worker", "api.dockerfile",
    "infra/main.tf", "infra/prod.tfvars", "nginx/site.conf", "app.properties", "Containerfile",
])
def test_configuration_like_files(path: str) -> None:
    assert diagnosis.is_config_file(path)


@pytest.mark.parametrize("path", ["app.py", "README.md", "src/yaml_loader.py", "docs/env.md", "Makefile"])
def test_code_is_not_configuration(path: str) -> None:
    assert not diagnosis.is_config_file(path)


def test_configuration_ranks_first_then_by_path() -> None:
    files = [FileChange("b.py", "M"), FileChange("z.yaml", "A"), FileChange("a.py", "D"), FileChange("Dockerfile", "M")]
    assert [f.path for f in diagnosis.rank_files(files)] == ["Dockerfile", "z.yaml", "a.py", "b.py"]


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "just now"), (59, "just now"), (60, "1m ago"), (3599, "59m ago"), (3600, "1h00m ago"),
    (26 * 3600 + 5 * 60, "26h05m ago"), (48 * 3600, "2d ago"),
])
def test_ages(seconds: int, text: str) -> None:
    assert diagnosis.age(seconds) == text
