#!/bin/sh
nosuchcommand
echo "status $?"
./nosuchfile
echo "status $?"
cat nosuchfile
echo "status $?"
false; echo "false $?"
true; echo "true $?"
! false; echo "negated $?"
sh -c 'exit 42'; echo "child $?"
