"""git's editor help texts in the user's language, so an editor session is recognised whatever the locale.

git comments its help text (`# Please enter the commit message ...`) in the language of the hook's own
environment. The English text is checked first without reading anything; only a message that has comment
lines but no English help text costs a look into git's translation catalogue.
"""

from __future__ import annotations

import gettext
import os
import shutil

# the msgids of the help texts git writes into an editor session (builtin/commit.c, builtin/merge.c)
_HELP_MSGIDS = ("Please enter the commit message", "Please enter a commit message to explain why this merge")


def _locale_dirs() -> list[str]:
    dirs = [os.environ.get("GIT_TEXTDOMAINDIR", "")]
    git = shutil.which("git")
    if git:
        prefix = os.path.dirname(os.path.dirname(os.path.realpath(git)))
        dirs.append(os.path.join(prefix, "share", "locale"))
    dirs.append("/usr/share/locale")
    return [d for d in dirs if d and os.path.isdir(d)]


def editor_help_openings() -> tuple[str, ...]:
    """The first line of each translated editor help text, for the languages git uses here."""
    for directory in _locale_dirs():
        translation = gettext.translation("git", directory, fallback=True)
        catalog = getattr(translation, "_catalog", None)  # GNUTranslations keeps msgid -> msgstr here
        if not catalog:
            continue
        openings = []
        for msgid, msgstr in catalog.items():
            if isinstance(msgid, str) and msgid.startswith(_HELP_MSGIDS) and isinstance(msgstr, str) and msgstr:
                first = msgstr.split("\n", 1)[0].split("%", 1)[0].strip()
                if first:
                    openings.append(first)
        return tuple(openings)
    return ()
