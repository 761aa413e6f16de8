#!/bin/sh
mkdir -p t/a/b/c t/x
touch t/a/one.txt t/a/b/two.txt t/a/b/c/three.log t/x/four.txt
find t -maxdepth 2 | sort
find t -mindepth 3 -name '*.txt' | sort
find t -name '*.log' -o -name 'four*' | sort
find t -type d -empty | sort
find t -path '*/b/*' -type f | sort
find t -name c -prune -o -type f -print | sort
find t -type f -name '*.txt' -print0 | tr '\0' '\n' | sort
