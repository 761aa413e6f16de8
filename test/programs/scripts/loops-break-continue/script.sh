#!/bin/sh
for i in 1 2 3 4 5; do
  for j in a b c; do
    [ $j = b ] && continue
    [ $i = 4 ] && break 2
    printf '%s%s ' $i $j
  done
done
echo
i=0
while :; do i=$((i + 1)); [ $i -gt 3 ] && break; echo "while $i"; done
until [ $i -eq 0 ]; do i=$((i - 1)); done; echo "until done $i"
for w in $(echo x y z); do echo "w=$w"; done
