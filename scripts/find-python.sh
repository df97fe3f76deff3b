#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.10 and refuses 3.11+).
# Looks at $PYTHON, python3.10 on PATH, then pyenv's installs; fails with advice when none is found.
set -euo pipefail

is_310() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

candidates=("${PYTHON:-}" "$(command -v python3.10 2>/dev/null || true)")
if command -v pyenv >/dev/null 2>&1; then
  candidates+=("$(pyenv which python3.10 2>/dev/null || true)")
  root="$(pyenv root 2>/dev/null || true)"
  [ -n "$root" ] && for p in "$root"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  candidates+=("$p")
done

for candidate in "${candidates[@]}"; do
  if is_310 "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

cat >&2 <<'MSG'
error: Python 3.10 not found. Rasa 3.6 needs exactly Python 3.10 (3.11 and newer are refused).
Install it, for example with `pyenv install 3.10` or your system's python3.10 package,
or point PYTHON at an interpreter: `make run PYTHON=/path/to/python3.10`.
MSG
exit 1
