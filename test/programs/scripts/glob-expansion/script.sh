#!/bin/sh
touch b.txt a.txt c.log .hidden
mkdir -p dir/sub
touch dir/x.txt dir/sub/y.txt
echo *.txt
echo *.none
echo "*.txt"
echo [ab].txt ?.log
echo dir/*.txt dir/*/*.txt
echo .h*
set -f; echo *.txt; set +f
for f in *.txt; do echo "file: $f"; done
pat='*.log'; echo $pat "$pat"
