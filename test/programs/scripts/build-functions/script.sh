#!/bin/sh
# A build script: functions, set -e, steps that fail on purpose inside conditions.
set -e
log() { printf '[%s] %s\n' "$1" "$2"; }
compile() {
  src=$1
  obj=${src%.c}.o
  [ -f "$src" ] || { log ERROR "missing $src"; return 1; }
  tr 'a-z' 'A-Z' < "$src" > "$obj"
  log CC "$src -> $obj"
}
link() {
  out=$1; shift
  cat "$@" > "$out"
  log LD "$out ($# objects)"
}
mkdir -p build
for f in main.c util.c; do
  compile "$f"
done
if compile missing.c; then log WARN "unexpected"; else log INFO "missing.c skipped"; fi
link build/app main.o util.o
wc -l < build/app
compile nothere.c
log INFO "never reached"
