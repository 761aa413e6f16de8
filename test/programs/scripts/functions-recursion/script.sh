#!/bin/sh
fib() { if [ "$1" -lt 2 ]; then echo "$1"; else echo $(( $(fib $(($1 - 1))) + $(fib $(($1 - 2))) )); fi; }
for n in 0 1 2 5 8; do printf '%s ' "$(fib $n)"; done; echo
counter=0
inc() { counter=$((counter + 1)); return $counter; }
inc; inc; inc
echo "counter=$counter status=$?"
outer() { inner() { echo "inner sees $1"; }; inner "$@"; }
outer x
inner y
