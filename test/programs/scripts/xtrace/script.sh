#!/bin/sh
set -x
a=1
echo "a is $a"
f() { echo in-f; }
f arg
set +x
echo quiet
