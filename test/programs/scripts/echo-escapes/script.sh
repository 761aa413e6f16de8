#!/bin/sh
echo "tab:\there"
echo 'newline:\nhere'
echo -n "no newline"; echo " (then newline)"
echo "stop\c here"
echo
echo a b   c
echo "a b   c"
