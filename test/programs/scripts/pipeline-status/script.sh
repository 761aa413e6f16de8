#!/bin/sh
false | true; echo "status $?"
true | false; echo "status $?"
echo x | grep -q y; echo "status $?"
! echo x | grep -q y; echo "negated $?"
seq 1000 | head -1
yes | head -2
echo done
