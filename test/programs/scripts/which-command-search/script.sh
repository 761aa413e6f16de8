#!/bin/sh
which sh > /dev/null && echo "sh found"
which nosuchprogram; echo "status $?"
command -v nosuchprogram; echo "status $?"
PATH=/nonexistent
ls 2>/dev/null
echo "ls status $?"
