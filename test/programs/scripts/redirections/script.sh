#!/bin/sh
echo out > f1
echo more >> f1
cat < f1
{ echo to-stdout; echo to-stderr >&2; } 2>&1 | sort
{ echo a; echo b >&2; } > both 2>&1; cat both
exec 3> f3
echo via-three >&3
echo again >&3
exec 3>&-
cat f3
exec 4< f1
read line <&4; echo "read: $line"
read line <&4; echo "read: $line"
exec 4<&-
cat nosuch 2>/dev/null || echo "hidden error"
echo text > rw; exec 5<>rw; read w <&5; echo "rw: $w"; exec 5>&-
