#!/bin/sh
myfunc() { echo "function"; }
type myfunc
type echo
type if
type nosuchthing
echo "status $?"
command -v echo
command -v myfunc
command -v nosuchthing || echo "not found: $?"
command echo "via command"
echo() { builtin_echo_replaced "$@"; }
command echo "command skips the function"
unset -f echo
echo "back to builtin"
