#!/bin/sh
exec > out.log
echo "to the log"
echo "also logged"
exec 2>&1
ls nosuchfile
exec > /dev/null
echo hidden
cat out.log >&2
