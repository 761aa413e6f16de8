#!/bin/sh
path=/usr/local/lib/libfoo.so.1.2
echo "${path##*/} ${path%/*} ${path#*/} ${path%%.*}"
echo "${#path}"
unset u; e=
echo "[${u:-default}] [${e:-default}] [${e-default}] [${u+set}] [${e+set}] [${e:+set}]"
: "${u:=assigned}"; echo "$u"
file=archive.tar.gz
echo "${file%.gz} ${file%%.*} ${file#*.} ${file##*.}"
v='a*b'
echo "${v#a\*}" "${v%"*b"}"
x=hello; echo "${x#h*l}" "${x##h*l}" "${x%l*}" "${x%%l*}"
( : "${required:?must be set}" ) 2>&1
echo "after: $?"
