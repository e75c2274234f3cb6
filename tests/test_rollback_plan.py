"""Choosing the backup to roll back to, and the plan shown before anything moves: pure, on literals."""

from __future__ import annotations

from hotfix_lib import rollback_plan, tag_names
from hotfix_lib.rollback_plan import Backup, Leaving, Plan


def test_newest_by_date_among_ancestors() -> None:
    backups = [
        Backup("backup/pre-hotfix-20991231-000000", 100, "a" * 40, True),   # newest name, oldest date
        Backup("backup/pre-hotfix-20000101-000000", 300, "b" * 40, True),
        Backup("backup/pre-hotfix-20000101-000001", 900, "c" * 40, False),  # not on production
    ]
    picked = rollback_plan.pick(backups)
    assert picked is not None
    assert picked.name == "backup/pre-hotfix-20000101-000000"
    assert rollback_plan.pick([b for b in backups if not b.is_ancestor]) is None


def test_same_second_goes_by_suffix_number() -> None:
    base = "backup/pre-hotfix-20261204-030000"
    backups = [Backup(f"{base}-{n}", 5, str(n) * 40, True) for n in (2, 10, 9)] + [Backup(base, 5, "f" * 40, True)]
    picked = rollback_plan.pick(backups)
    assert picked is not None
    assert picked.name == f"{base}-10"
    assert tag_names.sort_key(base) < tag_names.sort_key(f"{base}-2") < tag_names.sort_key(f"{base}-10")


def test_glob_of_a_template_matches_suffixed_names_only_of_that_shape() -> None:
    pattern = tag_names.glob_of("backup/pre-hotfix-{time}")
    assert pattern.fullmatch("backup/pre-hotfix-20261204-030000")
    assert pattern.fullmatch("backup/pre-hotfix-20261204-030000-3")
    assert not pattern.fullmatch("rollback-20261204-030000")


def test_plan_lists_every_leaving_commit_up_to_a_limit() -> None:
    leaving = tuple(Leaving(f"{i:040x}", f"Fix {i}", ("INC-1",) if i % 2 else ()) for i in range(52))
    plan = Plan("production", "e" * 40, "Fix 51", "d" * 40, "backup/x", "Release", leaving)
    lines = rollback_plan.render(plan).splitlines()
    assert lines[:4] == [
        "Production branch: production",
        f"Current tip:       {'e' * 10} Fix 51",
        f"Roll back to:      {'d' * 10} Release (backup/x)",
        "Commits leaving production (52):",
    ]
    assert lines[4] == f"  {'0' * 10}  -             Fix 0"
    assert lines[5] == f"  {'0' * 10}  INC-1         Fix 1"
    assert lines[-1] == "  ... and 2 more"
    assert plan.incidents == ["INC-1"]
