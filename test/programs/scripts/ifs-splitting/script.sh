#!/bin/sh
show() { printf '%d:' $#; for a; do printf ' [%s]' "$a"; done; echo; }
v="  one  two   three  "
show $v
IFS=:
v="a::b:c:"
show $v
IFS=' :'
v=" a : b :: c "
show $v
IFS=
show $v
unset IFS
v="x	y
z"
show $v
