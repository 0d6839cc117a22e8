#!/usr/bin/env bash
# Checks of the Makefile itself, run by `make test` after pytest (pytest never runs make).
# - CLINIC paths with spaces and shell characters reach Sphinx as one path, never as commands;
# - a read-only output folder gets a plain message, not a crash report.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'umount "$work/ro" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "makefile-checks: $*" >&2; exit 1; }

# 1. A clinic file whose folder name holds a space, quotes, a backtick command, $(...) for the
#    shell and $(shell ...) for make.
odd="$work/clinic \"one\" \`touch $work/pwned-backtick\` \$(touch $work/pwned-dollar) \$(shell touch $work/pwned-make)"
mkdir -p "$odd"
cp examples/clinic.toml examples/clinic-logo.svg "$odd/"
out=$(make -s handouts CLINIC="$odd/clinic.toml" BUILDDIR="$work/build" 2>&1) || {
  echo "$out" >&2; fail "make handouts with an odd CLINIC path failed"; }
[ ! -e "$work/pwned-backtick" ] && [ ! -e "$work/pwned-dollar" ] && [ ! -e "$work/pwned-make" ] ||
  fail "CLINIC ran a command"
ls "$work"/build/handouts/clinic-riverside-family-health-center-*/kratom-basics-letter.pdf \
  >/dev/null || fail "no co-branded PDFs"
echo "$out" | grep -q "clinic-riverside-family-health-center-" ||
  fail "the build's last line does not name the clinic's folder"

# 2. A read-only output folder (needs root and mount; skipped elsewhere).
mkdir -p "$work/ro"
if mount -t tmpfs -o size=1m tmpfs "$work/ro" 2>/dev/null && mount -o remount,ro "$work/ro"; then
  if msg=$(make -s html BUILDDIR="$work/ro/out" 2>&1); then fail "a read-only folder built"; fi
  echo "$msg" | grep -q "^error: cannot write to" || { echo "$msg" >&2; fail "no plain message"; }
  echo "$msg" | grep -q "Traceback" && fail "a traceback for a read-only folder"
  umount "$work/ro"
else
  echo "makefile-checks: read-only check skipped (cannot mount here)"
fi
echo "makefile-checks: passed"
