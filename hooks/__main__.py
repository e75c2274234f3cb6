"""`python -m hotfix_lib.hooks <hook-type> [args...]`: the entry the installed git hooks exec."""

import sys

from hotfix_lib.hookmain import main

if __name__ == "__main__":
    sys.exit(main())
