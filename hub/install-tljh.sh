#!/usr/bin/env bash
# Install pactlab, non-editable, into a hub's user environment, and put `pactlab` on every
# user's PATH (login shells reset PATH, so the environment's bin folder alone is not enough).
#
# On The Littlest JupyterHub (TLJH), from a checkout of the course (never the folder students
# pull; students' kernels read the course files from their own copies):
#
#   sudo hub/install-tljh.sh
#
# Options:
#   --prefix DIR    the environment to install into (default /opt/tljh/user, TLJH's user
#                   environment; made with --python if it does not exist)
#   --python PY     the Python that makes a new environment (default python3)
#   --source DIR    the course checkout to install (default: the folder above this script)
#   --extras LIST   pyproject extras (default "lab"; "lab,hub" adds JupyterHub's single-user
#                   server and nbgitpuller where the environment lacks them, as in a Docker image)
#   --bin-dir DIR   where to link `pactlab` (default /usr/local/bin)
#   --no-link       do not link
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=/opt/tljh/user
python=python3
source="$here"
extras=lab
bin_dir=/usr/local/bin
link=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --source) source="$(cd "$2" && pwd)"; shift 2 ;;
    --extras) extras="$2"; shift 2 ;;
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --no-link) link=0; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "install-tljh.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ ! -f "$source/pyproject.toml" ] || [ ! -f "$source/constraints.txt" ]; then
  echo "install-tljh.sh: $source is not a pactlab checkout (no pyproject.toml/constraints.txt)" >&2
  exit 2
fi
if [ ! -x "$prefix/bin/python" ]; then
  echo "Creating the environment $prefix with $("$python" --version 2>&1) ..."
  "$python" -m venv "$prefix"
fi
echo "Installing pactlab [$extras] (not editable) into $prefix with the pinned versions ..."
# a copy of the source, so the build never writes into the checkout (build/, *.egg-info)
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
tar -C "$source" --exclude=./.venv --exclude=./.venv-hub --exclude=./.git \
  --exclude=./hub/node_modules -cf - . | tar -C "$build" -xf -
"$prefix/bin/python" -m pip install --quiet --upgrade-strategy only-if-needed \
  "$build[$extras]" -c "$source/constraints.txt"
chmod -R a+rX "$prefix"
"$prefix/bin/pactlab" --help >/dev/null
# every user's server runs this environment: its Python must be usable by other users (a
# Python under /root, e.g. pyenv's, is not)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  if ! (cd / && runuser -u nobody -- "$prefix/bin/python" -c 'import pactlab') 2>/dev/null; then
    echo "install-tljh.sh: other users cannot run $prefix/bin/python" \
         "(it is $(readlink -f "$prefix/bin/python")): remove $prefix and run again with" \
         "--python /usr/bin/python3 (or another Python outside a private home)" >&2
    exit 1
  fi
fi
if [ "$link" = 1 ]; then
  mkdir -p "$bin_dir"
  ln -sf "$prefix/bin/pactlab" "$bin_dir/pactlab"
  echo "Linked $bin_dir/pactlab -> $prefix/bin/pactlab (on every login shell's PATH)."
fi
echo "pactlab $("$prefix/bin/python" -c 'import pactlab; print(pactlab.__version__)') is installed in $prefix."
