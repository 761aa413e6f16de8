#!/usr/bin/env bash
# Build every programs/c/*.c, conformance/*.c and redteam/*.c into programs/c/build/ as WASI
# preview1 command modules. The build is scripts/build-c.mjs (clang from npm, no host compiler;
# KEEL_WASI_CC=/path/to/clang for a native one); this is its old name.
exec node "$(dirname "${BASH_SOURCE[0]}")/../../scripts/build-c.mjs" programs "$@"
