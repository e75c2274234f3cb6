"""hotfix-hooks: git hooks and a CLI that make git enforce an emergency hotfix workflow."""

__version__ = "0.1.0"
