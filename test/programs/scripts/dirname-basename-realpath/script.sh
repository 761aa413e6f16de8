#!/bin/sh
for p in /usr/lib/file.so dir/sub/ name /; do
  echo "$(dirname "$p") | $(basename "$p")"
done
basename /a/b/c.txt .txt
mkdir -p real/dir
cd real/dir
realpath .. | sed 's|.*/||'
realpath -m ../x/../y | sed 's|.*/real/|real/|'
