#!/bin/sh
x=outer
( x=inner; echo "in subshell: $x"; cd /; exit 3 )
echo "status $? x=$x"
( echo one; echo two ) | wc -l
y=$( (echo nested; echo sub) | tr a-z A-Z )
echo "$y"
( set -e; false; echo never )
echo "after set -e subshell: $?"
{ echo group; x=changed; } > /dev/null
echo "group changed x: $x"
