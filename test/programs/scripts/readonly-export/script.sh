#!/bin/sh
export GREETING=hello
sh -c 'echo "child sees $GREETING"'
LOCAL=local
sh -c 'echo "child sees [${LOCAL-unset}]"'
ONE=1 sh -c 'echo "prefix assignment: $ONE"'
echo "after prefix: [${ONE-unset}]"
readonly FIXED=1
FIXED=2
echo never
