#!/bin/sh
mkdir -p pkg/bin pkg/doc
echo 'echo hi' > pkg/bin/run.sh
echo 'docs' > pkg/doc/README
tar cf pkg.tar pkg
tar tf pkg.tar | sort
gzip pkg.tar
ls pkg.tar*
mkdir out
cd out
gunzip -c ../pkg.tar.gz | tar xf -
cat pkg/bin/run.sh pkg/doc/README
cd ..
tar czf pkg2.tgz -C pkg bin
tar tzf pkg2.tgz | sort
