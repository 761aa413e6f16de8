#!/bin/sh
trap 'echo "exit trap, status $?"' EXIT
false
echo "running"
(exit 5)
