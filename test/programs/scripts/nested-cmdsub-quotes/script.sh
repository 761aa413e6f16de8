#!/bin/sh
a=$(echo "outer $(echo "inner $(echo deepest)")")
echo "$a"
b=`echo back \`echo nested\``
echo "$b"
c="$(printf '%s\n' "multi" "line")"
echo "$c"
d=$(echo 'single $quotes' "double \$escaped")
echo "$d"
echo "$(echo "a   b")" $(echo "a   b")
e=$(printf 'trailing\n\n\n'); echo "[$e]"
