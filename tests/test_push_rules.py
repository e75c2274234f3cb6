"""The push rules on literal ref updates: what production and hotfix branches may receive."""

from __future__ import annotations

import pytest

from hotfix_lib import push_rules
from hotfix_lib.config import Config
from hotfix_lib.push_rules import RefUpdate

A, B, Z = "a" * 40, "b" * 40, "0" * 40
CONFIG = Config()


def messages(update: RefUpdate, old_is_ancestor: bool | None = True, config: Config = CONFIG,
             allowed: tuple[str, str] | None = None) -> list[str]:
    found = push_rules.refusals(update, "production", config, old_is_ancestor=old_is_ancestor, allowed_rewind=allowed)
    return [str(e) for e in found]


def test_fast_forward_and_new_production_pass() -> None:
    assert messages(RefUpdate("refs/heads/production", A, B)) == []
    assert messages(RefUpdate("refs/heads/production", Z, B), old_is_ancestor=None) == []


def test_deleting_production_is_refused() -> None:
    assert messages(RefUpdate("refs/heads/production", A, Z)) == [
        "refusing to delete the production branch 'production'. "
        "To fix: do not delete it; to go back to an earlier state run `hotfix-hooks rollback`"
    ]


@pytest.mark.parametrize("ancestry", [False, None])
def test_non_fast_forward_of_production_is_refused(ancestry: bool | None) -> None:
    assert messages(RefUpdate("refs/heads/production", A, B), old_is_ancestor=ancestry) == [
        "refusing a non-fast-forward push to the production branch 'production' "
        "(aaaaaaaaaa -> bbbbbbbbbb would drop commits from it). To fix: git pull --rebase origin production "
        "and push again; to go back to an earlier state run `hotfix-hooks rollback --push`"
    ]


def test_only_the_announced_rewind_passes() -> None:
    update = RefUpdate("refs/heads/production", A, B)
    assert messages(update, old_is_ancestor=False, allowed=(A, B)) == []
    assert len(messages(update, old_is_ancestor=False, allowed=(B, A))) == 1
    assert len(messages(RefUpdate("refs/heads/production", A, Z), allowed=(A, Z))) == 1


def test_other_branches_may_be_rewound_and_deleted() -> None:
    assert messages(RefUpdate("refs/heads/feature", A, B), old_is_ancestor=False) == []
    assert messages(RefUpdate("refs/heads/feature", A, Z)) == []
    assert not push_rules.needs_ancestry(RefUpdate("refs/heads/feature", A, B), "production")


def test_protection_can_be_switched_off() -> None:
    config = Config(protect_production=False)
    assert messages(RefUpdate("refs/heads/production", A, Z), config=config) == []
    assert messages(RefUpdate("refs/heads/production", A, B), old_is_ancestor=False, config=config) == []


def test_misnamed_hotfix_branch_is_refused_with_the_commit_hook_message() -> None:
    assert messages(RefUpdate("refs/heads/hotfix/login", Z, B)) == [
        "branch 'hotfix/login' looks like a hotfix branch but is misnamed; expected hotfix/<INCIDENT-ID>-<slug>. "
        "To fix: git branch -m hotfix/login hotfix/<INCIDENT-ID>-<slug> (e.g. hotfix/INC-123-short-description), "
        "or hotfix-hooks start"
    ]
    assert messages(RefUpdate("refs/heads/hotfix/INC-7-login", Z, B)) == []
    # deleting a misnamed branch is how it gets cleaned up
    assert messages(RefUpdate("refs/heads/hotfix/login", A, Z)) == []
    assert messages(RefUpdate("refs/tags/hotfix-login", Z, B)) == []


def test_zero_oid_in_any_hash_length() -> None:
    assert push_rules.is_zero("0" * 64)
    assert not push_rules.is_zero("")
    assert not push_rules.is_zero("0" * 39 + "1")
