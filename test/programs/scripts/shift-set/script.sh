#!/bin/sh
set -- a b c d e
echo "$# $1"
shift
echo "$# $1"
shift 2
echo "$# $*"
set -- "$@" f
echo "$# $*"
shift 5
echo "never"
