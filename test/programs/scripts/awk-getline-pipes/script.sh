#!/bin/sh
awk 'BEGIN {
  while (("sort -r names" | getline n) > 0) out = out n " "
  close("sort -r names")
  print out
  while ((getline line < "names") > 0) c++
  print c, "lines"
  print "b" | "cat"
  close("cat")
  print "to file" > "awk.out"
  close("awk.out")
  getline x < "awk.out"; print "read back:", x
  system("echo from system")
}'
