# Sourced by the test scripts that need Python packages: creates <root>/.venv on first use
# and installs a requirements file into it. Nothing is installed outside the workspace.
#
#   source tests/python-venv.sh; venv_install "$ROOT" path/to/requirements.txt
# Sets VENV to the environment's directory.
venv_install() {
  VENV="$1/.venv"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    python3 -m venv "$VENV"
  fi
  echo "==> pip install -r ${2#"$1"/}"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$2"
}
