#!/bin/sh
# Reading a file line by line, fields split on IFS, a running total.
total=0
while IFS=: read -r user uid shell; do
  case $user in '#'*|'') continue ;; esac
  total=$((total + uid))
  printf '%-8s %5d %s\n' "$user" "$uid" "${shell##*/}"
done < passwd.txt
echo "total uid: $total"
