#!/bin/sh
printf 'Keel shell \001\002\377 bytes\n' > bin.dat
base64 bin.dat
base64 bin.dat | base64 -d | cmp - bin.dat && echo identical
seq 50 | base64 -w 40
echo 'aGVsbG8gd29ybGQK' | base64 -d
