#!/bin/sh
s="Hello, World"
echo "${#s}"
lower=$(echo "$s" | tr 'A-Z' 'a-z'); echo "$lower"
first=${s%%,*}; rest=${s#*, }; echo "$first|$rest"
words=$(echo "$s" | awk '{print NF}'); echo "words: $words"
rev=$(echo "$s" | rev); echo "$rev"
padded=$(printf '%-15s|' "$s"); echo "$padded"
upper=$(printf '%s' "$s" | tr 'a-z' 'A-Z'); echo "$upper"
