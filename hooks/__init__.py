"""What git and pre-commit execute. Ships as `hotfix_lib.hooks`; all logic lives in hotfix_lib."""
