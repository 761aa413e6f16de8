#!/usr/bin/env bash
# Build programs/c/build/sqlite_bench.wasm (SQLite's amalgamation, fetched from the npm registry,
# and our driver sqlite_bench.c). The build is scripts/build-c.mjs (clang from npm, no host
# compiler; KEEL_WASI_CC=/path/to/clang for a native one); this is its old name.
exec node "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/build-c.mjs" sqlite "$@"
