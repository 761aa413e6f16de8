#!/bin/sh
sed 's/foo/bar/' in.txt
sed -n '/start/,/end/p' in.txt
sed -e '1d' -e '$d' in.txt
sed 's/\([a-z]*\) \([a-z]*\)/\2 \1/' in.txt | head -2
sed -i 's/end/END/' copy.txt; cat copy.txt
sed '/^$/d; s/^/> /' in.txt
printf 'a,b,c\n' | sed 's/,/\n/g'
sed -n '$=' in.txt
