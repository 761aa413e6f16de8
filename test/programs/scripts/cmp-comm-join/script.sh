#!/bin/sh
printf 'a\nb\nc\n' > x; printf 'a\nB\nc\n' > y
cmp x y; echo "cmp $?"
cmp -s x x && echo same
printf 'apple\nbanana\ncherry\n' > l1; printf 'banana\ncherry\ndate\n' > l2
comm l1 l2
comm -12 l1 l2
printf '1 alice\n2 bob\n3 carol\n' > ids; printf '1 admin\n3 user\n4 guest\n' > roles
join ids roles
join -a1 ids roles
join -v2 ids roles
