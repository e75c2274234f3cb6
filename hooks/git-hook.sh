#!/bin/sh
# hotfix-hooks: managed hook
# Written by `hotfix-hooks install`; `hotfix-hooks uninstall` removes it and puts back any hook it chained.
# Local edits are lost on the next install.
#
# This runs on every commit, so the common case (a feature branch) must cost next to nothing: the script
# decides "nothing to do" with sh builtins only (read, case, [ ]), without starting Python and without
# forking. Anything that might concern hotfix-hooks goes to Python, which makes the real decision.
hook=@HOOK_TYPE@
# The interpreter that ran `hotfix-hooks install`, by absolute path: GUI clients have no TTY and a minimal PATH.
py=@PYTHON@
# A hook that was here before is kept beside this one and runs first, with the same arguments and stdin.
# Named for the hook type, also when `pre-commit install` has since moved this script to <type>.legacy.
legacy="${0%.legacy}.hotfix-hooks-legacy"

# Succeeds when the interpreter is there; else says how to reinstall and fails.
have_python() {
    [ -x "$py" ] && return 0
    echo "hotfix-hooks ($hook): cannot run $py (moved or deleted?). To fix: run \`hotfix-hooks install\` again from the environment where hotfix-hooks is installed" >&2
    return 1
}

# "Might be mine": a name containing hotfix in any case (so misnamed hotfix branches are caught too), a
# protected branch, or anything when .hotfix-hooks.yaml mentions the name or renames the branches.
might_be_mine() {
    case $1 in
    *[Hh][Oo][Tt][Ff][Ii][Xx]* | production | main | master) return 0 ;;
    esac
    [ -f .hotfix-hooks.yaml ] || return 1
    if [ -z "$config_read" ]; then
        config_read=1
        while IFS= read -r line || [ -n "$line" ]; do
            config="$config$line
"
        done <.hotfix-hooks.yaml
    fi
    case $config in
    *branch_prefix* | *production_branch* | *main_branch* | *backport_targets* | *"$1"*) return 0 ;;
    esac
    return 1
}

# Commit hooks run in the work tree root. HEAD is in $GIT_DIR when git exported it (linked worktrees), else
# in .git: a directory, or a `gitdir: <path>` file (submodules). Unreadable: let Python decide.
commit_might_be_mine() {
    gitdir=${GIT_DIR:-.git}
    if [ -f "$gitdir" ]; then
        IFS= read -r line <"$gitdir" || return 0
        gitdir=${line#gitdir: }
    fi
    IFS= read -r head 2>/dev/null <"$gitdir/HEAD" || return 0
    case $head in
    "ref: refs/heads/"*) might_be_mine "${head#ref: refs/heads/}" ;;
    *) return 1 ;; # detached HEAD: no branch to name, stamp or protect
    esac
}

# One pre-push line: <local ref> SP <local oid> SP <remote ref> SP <remote oid>. Anything but a plain
# branch or tag update (a deletion, another namespace, a malformed line) goes to Python.
ref_might_be_mine() {
    [ $# -eq 4 ] || return 0
    case $3 in
    refs/heads/* | refs/tags/*) ;;
    *) return 0 ;;
    esac
    [ "$1" != "(delete)" ] || return 0
    might_be_mine "${3#refs/heads/}" || might_be_mine "${1#refs/heads/}"
}

config_read= config= mine=
case $hook in
pre-push | pre-receive)
    # Buffered once, replayed to both hooks.
    stdin=
    set -f
    while IFS= read -r line || [ -n "$line" ]; do
        stdin="$stdin$line
"
        if [ -z "$mine" ] && { [ "$hook" = pre-receive ] || ref_might_be_mine $line; }; then
            mine=1
        fi
    done
    set +f
    if [ -x "$legacy" ]; then
        printf '%s' "$stdin" | "$legacy" "$@" || exit
    fi
    [ -n "$mine" ] || exit 0
    have_python || exit 1
    printf '%s' "$stdin" | "$py" -m hotfix_lib.hooks "$hook" "$@"
    exit
    ;;
post-*)
    # Git ignores a post-* hook's status; report the chained hook's, whatever hotfix-hooks does.
    status=0
    if [ -x "$legacy" ]; then
        "$legacy" "$@"
        status=$?
    fi
    if commit_might_be_mine && have_python; then
        "$py" -m hotfix_lib.hooks "$hook" "$@"
    fi
    exit $status
    ;;
*)
    if [ -x "$legacy" ]; then
        "$legacy" "$@" || exit
    fi
    case $hook in
    prepare-commit-msg | commit-msg) commit_might_be_mine || exit 0 ;;
    esac
    have_python || exit 1
    exec "$py" -m hotfix_lib.hooks "$hook" "$@"
    ;;
esac
