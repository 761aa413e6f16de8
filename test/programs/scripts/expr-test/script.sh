#!/bin/sh
expr 2 + 3 \* 4
expr length "keel shell"
expr substr hello 2 3
expr "path/to/file.txt" : '.*/\(.*\)\.txt'
expr 10 \> 9
expr abc = abc
expr 0; echo "status $?"
[ 3 -gt 2 ] && echo "3 > 2"
[ -f script.sh ] && echo "script exists"
[ ! -d nosuch ] && echo "no dir"
[ abc \< abd ] && echo "string less"
test -n "x" -a -z "" && echo "and"
[ 1 -eq 2 ] || [ 2 -eq 2 ] && echo "or chain"
