#!/bin/sh
x=global
f() {
  local x=local-f
  g
  echo "f after g: $x"
}
g() { echo "g sees: $x"; x=set-by-g; }
f
echo "global now: $x"
h() { local n=$1; if [ $n -gt 0 ]; then h $((n - 1)); echo "unwind $n"; fi; }
h 3
