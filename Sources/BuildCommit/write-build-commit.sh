#!/bin/sh
# Usage: write-build-commit.sh PACKAGE_DIRECTORY OUTPUT_FILE
#
# Writes OUTPUT_FILE, a Swift file declaring `BuildCommit.shortHash`: the abbreviated commit of PACKAGE_DIRECTORY's
# git checkout, or nil when it is not the top of a checkout (a source tarball, or one unpacked inside some other
# repository) or git is missing. The file is rewritten only when its text changes, so an unchanged commit recompiles
# nothing. Run by the BuildCommit plugin before every build.
set -u
package=$(cd "$1" && pwd -P)
commit=""
if top=$(git -C "$package" rev-parse --show-toplevel 2>/dev/null) && [ "$(cd "$top" && pwd -P)" = "$package" ]; then
  commit=$(git -C "$package" rev-parse --short HEAD 2>/dev/null) || commit=""
fi
if [ -n "$commit" ]; then value="\"$commit\""; else value="nil"; fi
text="// Written by the BuildCommit plugin before every build; not in the repository.

/// The commit this binary was built from, or nil when it was not built from a git checkout.
enum BuildCommit {
  static let shortHash: String? = $value
}"
mkdir -p "$(dirname "$2")"
[ "$(cat "$2" 2>/dev/null)" = "$text" ] || printf '%s\n' "$text" > "$2"
