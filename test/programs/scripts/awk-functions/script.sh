#!/bin/sh
awk '
function max(a, b) { return a > b ? a : b }
function join(arr, n, sep,   i, s) { s = arr[1]; for (i = 2; i <= n; i++) s = s sep arr[i]; return s }
{ m = max(m, $1); words[NR] = $2 }
END {
  print "max", m
  print join(words, NR, "-")
  n = split("c b a", parts, " ")
  print n, parts[1], parts[3]
  s = "hello world"; gsub(/o/, "0", s); print s
  t = "aaa"; print sub(/a/, "b", t), t
  print match("foobar", /ob/), RSTART, RLENGTH
  print substr("keel shell", 6), index("keel", "e"), length("abc"), toupper("x")
}' nums.txt
