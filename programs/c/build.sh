#!/usr/bin/env bash
# Build every programs/c/*.c, conformance/*.c and redteam/*.c into
# programs/c/build/[SUBFOLDER/]NAME.wasm as a WASI preview1 command module.
#
# Usage: bash programs/c/build.sh        (from anywhere)
#
# An output is rebuilt only if it is missing or not newer than both its
# source and this script, so re-running is cheap.  One line is printed per
# program actually built.
#
# Toolchain: clang-14 with the Debian packages
#   apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
# Debian's wasi-libc installs into /usr/include/wasm32-wasi and
# /usr/lib/wasm32-wasi, which clang-14 --target=wasm32-wasi finds on its own,
# so no --sysroot is needed there.  Overrides:
#   KEEL_WASI_CC=/path/to/clang      compiler to use (default: clang-14)
#   WASI_SYSROOT=/path/to/sysroot    pass --sysroot (e.g. a wasi-sdk sysroot)
#   KEEL_WASI_CFLAGS="..."           extra flags appended to the command line
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script_path="$script_dir/$(basename "${BASH_SOURCE[0]}")"
out_dir="$script_dir/build"

cc="${KEEL_WASI_CC:-clang-14}"

# Collect sources first; nothing to do means no compiler needed.
shopt -s nullglob
sources=("$script_dir"/*.c "$script_dir"/conformance/*.c "$script_dir"/redteam/*.c)
shopt -u nullglob
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "build.sh: no .c files in $script_dir" >&2
  exit 0
fi

# Which outputs are stale?
stale=()
# programs/c/X.c → build/X.wasm; programs/c/conformance/X.c → build/conformance/X.wasm (redteam/ alike)
out_for() {
  local rel="${1#"$script_dir"/}"
  echo "$out_dir/${rel%.c}.wasm"
}

for src in "${sources[@]}"; do
  out="$(out_for "$src")"
  # redteam programs also depend on their shared header.
  header="$script_dir/include/keel.h"
  [[ "$src" == "$script_dir"/redteam/* ]] && header="$script_dir/redteam/redteam.h"
  if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$script_path" && "$out" -nt "$script_dir/include/keel.h" && "$out" -nt "$header" ]]; then
    continue
  fi
  stale+=("$src")
done

if [[ ${#stale[@]} -eq 0 ]]; then
  echo "build.sh: all ${#sources[@]} programs up to date in ${out_dir#"$PWD"/}"
  exit 0
fi

# Check the toolchain only when something has to be built.
if ! command -v "$cc" >/dev/null 2>&1; then
  cat >&2 <<EOF
build.sh: error: '$cc' not found.
  Install the WASI toolchain, e.g. on Debian/Ubuntu:
    sudo apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
  or point KEEL_WASI_CC at a clang that supports --target=wasm32-wasi.
EOF
  exit 1
fi

# --strip-debug drops the DWARF that Debian's libc.a carries (~150 KiB per
# module) but keeps the "name" section, so trap backtraces still show names.
cflags=(--target=wasm32-wasi -O2 -Wall -Wextra -Wl,--strip-debug -I "$script_dir/include")
if [[ -n "${WASI_SYSROOT:-}" ]]; then
  cflags+=("--sysroot=$WASI_SYSROOT")
elif [[ ! -f /usr/include/wasm32-wasi/stdio.h && -f /usr/share/wasi-sysroot/include/stdio.h ]]; then
  # Distros / wasi-sdk layouts that ship a standalone sysroot directory.
  cflags+=(--sysroot=/usr/share/wasi-sysroot)
fi
if [[ -n "${KEEL_WASI_CFLAGS:-}" ]]; then
  # shellcheck disable=SC2206  # intentional word splitting of user flags
  cflags+=(${KEEL_WASI_CFLAGS})
fi

mkdir -p "$out_dir" "$out_dir/conformance" "$out_dir/redteam"

for src in "${stale[@]}"; do
  name="$(basename "$src" .c)"
  out="$(out_for "$src")"
  tmp="$(dirname "$out")/.$name.wasm.tmp.$$"
  if ! "$cc" "${cflags[@]}" -o "$tmp" "$src"; then
    rm -f "$tmp"
    cat >&2 <<EOF
build.sh: error: failed to build $name.wasm from $src
  command: $cc ${cflags[*]} -o $out $src
  (missing stdio.h / libc.a / crt1-command.o: install wasi-libc or set
   WASI_SYSROOT; missing libclang_rt.builtins-wasm32.a: install
   libclang-rt-14-dev-wasm32; "wasm-ld" not found: install lld-14)
EOF
    exit 1
  fi
  mv -f "$tmp" "$out"
  size=$(wc -c <"$out")
  echo "built ${out#"$PWD"/} (${size// /} bytes)"
done
