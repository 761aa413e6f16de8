#!/bin/sh
seq 1 5 | xargs echo
seq 1 10 | xargs -n 3 echo
printf 'a b\nc\n' | xargs -I{} echo "item: {}"
seq 3 | while read n; do echo "square $((n * n))"; done
seq -s, 1 5
seq 10 -3 1
