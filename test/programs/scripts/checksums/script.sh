#!/bin/sh
printf 'hello\n' > a.txt
printf 'world\n' > b.txt
md5sum a.txt b.txt
sha256sum a.txt
sha1sum b.txt
md5sum a.txt b.txt > sums.md5
md5sum -c sums.md5
echo changed > b.txt
md5sum -c sums.md5
echo "status $?"
