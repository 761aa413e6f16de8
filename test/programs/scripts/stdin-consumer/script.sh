#!/bin/sh
read first
echo "first: $first"
read second
echo "second: $second"
echo "rest:"
cat
