#!/bin/sh
# find ... -exec: count lines per file, rename, delete by pattern.
mkdir -p src/lib src/app docs
printf 'a\nb\n' > src/lib/x.txt
printf 'c\n' > src/app/y.txt
printf 'd\ne\nf\n' > docs/readme.txt
printf 'tmp\n' > src/app/junk.tmp
find . -name '*.txt' -exec wc -l {} \; | sort -k2
find . -type f -name '*.tmp' -exec rm {} +
find . -type f | sort
find src -type d | sort
find . -name '*.txt' -exec sh -c 'mv "$1" "${1%.txt}.md"' _ {} \;
find . -name '*.md' | sort
find . -type f -newer docs/readme.md | wc -l
