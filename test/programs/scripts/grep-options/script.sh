#!/bin/sh
grep -n error log.txt
grep -c warn log.txt
grep -v -i info log.txt
grep -E 'err(or)?|fatal' log.txt
grep -o '[0-9]\+' log.txt | head -3
grep -l error log.txt nosuch 2>/dev/null
grep -q fatal log.txt && echo "has fatal"
grep nomatch log.txt; echo "status $?"
