#!/bin/sh
echo "before the error"
x=1
if [ $x = 1 ]; then
  echo "inside"
fi
for i in 1 2; do echo "loop $i"; done
echo "line with error" ; case x in
echo never
