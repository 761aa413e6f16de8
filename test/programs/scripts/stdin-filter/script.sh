#!/bin/sh
# A filter script: numbers lines it reads on stdin, skipping comments.
n=0
while read -r line; do
  case $line in \#*) continue ;; esac
  n=$((n + 1))
  printf '%3d %s\n' "$n" "$line"
done
echo "$n lines"
