#!/bin/sh
mkdir -p out
i=1
while [ $i -le 5 ]; do
  printf 'file %d\n' $i > "out/f$i.txt"
  i=$((i + 1))
done
ls out
cat out/*.txt | wc -l
for f in out/*.txt; do
  n=${f#out/f}; n=${n%.txt}
  [ $((n % 2)) -eq 0 ] && rm "$f"
done
ls out
