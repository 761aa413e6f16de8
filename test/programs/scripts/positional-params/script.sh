#!/bin/sh
show() { printf '%d:' $#; for a; do printf ' <%s>' "$a"; done; echo; }
set -- "a b" c "" d
show "$@"
show $@
show "$*"
show $*
show ${1+"$@"}
IFS=,
show "$*"
IFS=' '
shift 2
show "$@"
set --
show "$@"
show "${@:-empty}"
