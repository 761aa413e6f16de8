#!/bin/sh
mkdir -p a/b
echo one > a/b/f
cp -r a c
cat c/b/f
mv c/b/f c/b/g
ls c/b
cp a/b/f a/b/f2
ls a/b
rm -r c
ls
rm nosuch 2>/dev/null || echo "rm failed as expected"
rm -f nosuch && echo "rm -f ok"
