#!/bin/sh
seq 5 | tac
echo "stressed desserts" | rev
nl -ba lines.txt
nl lines.txt
fold -w 10 long.txt
fold -s -w 10 long.txt
printf 'a\tb\tc\n' | expand -t 4
