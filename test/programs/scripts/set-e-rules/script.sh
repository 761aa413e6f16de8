#!/bin/sh
set -e
false || echo "|| rescued"
false && echo never
! true
if false; then :; else echo "if tested"; fi
while false; do :; done
x=$(false || echo recovered); echo "$x"
f() { false; echo "f continues only when tested"; }
f || echo "f failed"
if f; then echo "f in if"; fi
echo "before the end"
sh -c 'exit 4'
echo never
