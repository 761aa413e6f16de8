#!/bin/sh
i=1
while [ $i -le 12 ]; do
  printf '%3d' $((i * i))
  [ $((i % 4)) -eq 0 ] && echo
  i=$((i + 1))
done
for n in 3 14 159; do printf '%05.1f|%-4d|%x\n' $n $n $n; done
