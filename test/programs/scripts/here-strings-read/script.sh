#!/bin/sh
read a b c <<EOF
one two three four
EOF
echo "a=$a b=$b c=$c"
read -r raw <<'EOF'
back\slash \t stays
EOF
echo "$raw"
read cooked <<'EOF'
back\slash joins \
next
EOF
echo "$cooked"
while read n; do echo "n=$n"; done <<EOF
$(seq 3)
EOF
