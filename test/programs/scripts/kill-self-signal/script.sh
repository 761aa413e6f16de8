#!/bin/sh
trap 'echo "caught USR1"' USR1
kill -USR1 $$
echo "continues after USR1"
trap '' TERM
kill -TERM $$
echo "TERM ignored"
