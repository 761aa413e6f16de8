#!/bin/sh
set -u
defined=1
echo "defined: $defined ${undefined:-fallback} ${undefined-x}"
echo "args: $# $*"
echo "$undefined"
echo never
