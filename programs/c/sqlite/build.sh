#!/usr/bin/env bash
# Build programs/c/build/sqlite_bench.wasm: SQLite (the amalgamation) plus our
# driver sqlite_bench.c, as one WASI preview1 command module.  It is the
# benchmark suite's "large real program doing real work"; it runs unmodified
# under Node's node:wasi and under Keel.
#
# Usage: bash programs/c/sqlite/build.sh        (from anywhere)
#
# Nothing this script fetches or builds is committed (SQLite's sources and
# binaries built from them may not be; see .gitignore): it is run in CI, and
# by hand, every time and does work only when something is missing.
#
#   1. If build/sqlite_bench.wasm exists and is newer than sqlite_bench.c,
#      this script and (when present) vendor/sqlite3.c: nothing to do.
#   2. If vendor/sqlite3.c is missing: `npm pack better-sqlite3@VERSION`
#      downloads that package's tarball from the npm registry (npm checks its
#      integrity hash) and sqlite3.c / sqlite3.h are extracted from its
#      deps/sqlite3/ into programs/c/sqlite/vendor/; the tarball is deleted.
#   3. vendor/sqlite3.o (the slow part, ~30-60 s) is recompiled if missing or
#      older than sqlite3.c or this script, then the driver is compiled and
#      linked against it.  Outputs are written to temporary files and moved
#      into place, so an interrupted build leaves no half-written file.
# One line is printed when the module is built (or found up to date).
#
# Toolchain: as programs/c/build.sh — clang-14 with the Debian packages
#   apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
# plus npm (only when the sources have to be fetched).  Overrides:
#   KEEL_WASI_CC=/path/to/clang      compiler to use (default: clang-14)
#   WASI_SYSROOT=/path/to/sysroot    pass --sysroot (e.g. a wasi-sdk sysroot)
#   KEEL_WASI_CFLAGS="..."           extra flags appended to the command lines
set -euo pipefail

# The npm package whose tarball carries the SQLite amalgamation.
npm_spec="better-sqlite3@13.2.0"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script_path="$script_dir/$(basename "${BASH_SOURCE[0]}")"
vendor_dir="$script_dir/vendor"
out_dir="$(cd "$script_dir/.." && pwd)/build"
out="$out_dir/sqlite_bench.wasm"
driver="$script_dir/sqlite_bench.c"
sqlite_c="$vendor_dir/sqlite3.c"
sqlite_h="$vendor_dir/sqlite3.h"
sqlite_o="$vendor_dir/sqlite3.o"

cc="${KEEL_WASI_CC:-clang-14}"

# ---- 1. up to date? ---------------------------------------------------------
if [[ -f "$out" && "$out" -nt "$driver" && "$out" -nt "$script_path" ]] &&
   [[ ! -f "$sqlite_c" || "$out" -nt "$sqlite_c" ]]; then
  echo "sqlite/build.sh: ${out#"$PWD"/} up to date"
  exit 0
fi

if ! command -v "$cc" >/dev/null 2>&1; then
  cat >&2 <<EOF
sqlite/build.sh: error: '$cc' not found.
  Install the WASI toolchain, e.g. on Debian/Ubuntu:
    sudo apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
  or point KEEL_WASI_CC at a clang that supports --target=wasm32-wasi.
EOF
  exit 1
fi

tmp_dir=""
tmp_files=()
cleanup() {
  [[ -n "$tmp_dir" ]] && rm -rf "$tmp_dir"
  [[ ${#tmp_files[@]} -gt 0 ]] && rm -f "${tmp_files[@]}"
  return 0
}
trap cleanup EXIT

# ---- 2. fetch the amalgamation ----------------------------------------------
if [[ ! -f "$sqlite_c" || ! -f "$sqlite_h" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "sqlite/build.sh: error: npm not found (needed to fetch $npm_spec)" >&2
    exit 1
  fi
  mkdir -p "$vendor_dir"
  tmp_dir="$(mktemp -d "$vendor_dir/.fetch.XXXXXX")"
  # Run npm from the empty temp dir so no project's package.json is involved.
  if ! (cd "$tmp_dir" && npm pack "$npm_spec" --pack-destination "$tmp_dir" --loglevel=error >/dev/null); then
    echo "sqlite/build.sh: error: 'npm pack $npm_spec' failed" >&2
    exit 1
  fi
  shopt -s nullglob
  tarballs=("$tmp_dir"/*.tgz)
  shopt -u nullglob
  if [[ ${#tarballs[@]} -ne 1 ]]; then
    echo "sqlite/build.sh: error: expected one .tgz from npm pack in $tmp_dir" >&2
    exit 1
  fi
  # -m: stamp the files with the fetch time, not the tarball's 1985 mtimes.
  tar -xzmf "${tarballs[0]}" -C "$tmp_dir" \
    package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h
  # sqlite3.c last: its presence means the extraction is complete.
  mv -f "$tmp_dir/package/deps/sqlite3/sqlite3.h" "$sqlite_h"
  mv -f "$tmp_dir/package/deps/sqlite3/sqlite3.c" "$sqlite_c"
  rm -rf "$tmp_dir"
  tmp_dir=""
fi

# ---- 3. compile ---------------------------------------------------------------
common=(--target=wasm32-wasi -O2)
if [[ -n "${WASI_SYSROOT:-}" ]]; then
  common+=("--sysroot=$WASI_SYSROOT")
elif [[ ! -f /usr/include/wasm32-wasi/stdio.h && -f /usr/share/wasi-sysroot/include/stdio.h ]]; then
  common+=(--sysroot=/usr/share/wasi-sysroot)
fi
extra=()
if [[ -n "${KEEL_WASI_CFLAGS:-}" ]]; then
  # shellcheck disable=SC2206  # intentional word splitting of user flags
  extra=(${KEEL_WASI_CFLAGS})
fi

# SQLite compile-time options for WASI preview1 + wasi-libc.  SQLite's own
# "#if defined(__wasi__)" block already stubs getpid/fchmod/fchown/mmap/shm;
# these make the rest explicit and the build deterministic:
sqlite_defs=(
  # No threads in wasm32-wasi (no pthreads): drop all mutex code.
  -DSQLITE_THREADSAFE=0
  # No dlopen() in WASI.
  -DSQLITE_OMIT_LOAD_EXTENSION
  # WAL needs shared memory (mmap of a -shm file), which WASI lacks; the
  # benchmark uses a rollback journal, so leave the WAL code out entirely.
  -DSQLITE_OMIT_WAL
  # No mmap in WASI: all page I/O through read/write (SQLite already picks 0
  # for non-Linux targets; explicit so nothing tries the mmap path).
  -DSQLITE_MAX_MMAP_SIZE=0
  # WASI has no fcntl() byte-range locks.  The unix-dotfile VFS locks by
  # mkdir/rmdir of DBPATH.lock, which WASI has; it is SQLite's own default
  # under __wasi__, spelled out here.  (unix-none would skip locking.)
  '-DSQLITE_DEFAULT_UNIX_VFS="unix-dotfile"'
  # Temporary tables/indices, sorter spills and VACUUM's scratch database in
  # memory: the unix VFS looks for a temp dir in /var/tmp, /tmp, ... which a
  # WASI program usually cannot reach (no preopen), so temp files would fail.
  -DSQLITE_TEMP_STORE=3
  # Seed SQLite's PRNG with zeros instead of reading /dev/urandom (absent
  # under WASI) or falling back to time(): journal headers' nonces and
  # everything else become reproducible, so even the database file is
  # byte-identical between runtimes.
  -DSQLITE_OMIT_RANDOMNESS
  # SQLite's "recommended options": less overhead, stricter SQL.
  -DSQLITE_DEFAULT_MEMSTATUS=0
  -DSQLITE_DQS=0
  -DSQLITE_OMIT_DEPRECATED
  -DSQLITE_OMIT_SHARED_CACHE
  -DSQLITE_LIKE_DOESNT_MATCH_BLOBS
)

mkdir -p "$out_dir"

if [[ ! -f "$sqlite_o" || ! "$sqlite_o" -nt "$sqlite_c" || ! "$sqlite_o" -nt "$script_path" ]]; then
  tmp_o="$vendor_dir/.sqlite3.o.tmp.$$"
  tmp_files+=("$tmp_o")
  "$cc" "${common[@]}" "${sqlite_defs[@]}" "${extra[@]}" -c -o "$tmp_o" "$sqlite_c"
  mv -f "$tmp_o" "$sqlite_o"
fi

# --strip-debug drops the DWARF that Debian's libc.a carries but keeps the
# "name" section, so trap backtraces still show function names.
tmp_wasm="$out_dir/.sqlite_bench.wasm.tmp.$$"
tmp_files+=("$tmp_wasm")
if ! "$cc" "${common[@]}" -Wall -Wextra -Wl,--strip-debug -I "$vendor_dir" "${extra[@]}" \
     -o "$tmp_wasm" "$driver" "$sqlite_o"; then
  cat >&2 <<EOF
sqlite/build.sh: error: failed to build sqlite_bench.wasm
  (missing stdio.h / libc.a / crt1-command.o: install wasi-libc or set
   WASI_SYSROOT; missing libclang_rt.builtins-wasm32.a: install
   libclang-rt-14-dev-wasm32; "wasm-ld" not found: install lld-14)
EOF
  exit 1
fi
mv -f "$tmp_wasm" "$out"
version="$(sed -n 's/^#define SQLITE_VERSION *"\(.*\)"/\1/p' "$sqlite_h")"
size=$(wc -c <"$out")
echo "built ${out#"$PWD"/} (${size// /} bytes, SQLite $version)"
