#!/bin/sh
cat > lib.sh <<'EOF'
greet() { echo "hello from lib, $1"; }
LIBVAR=loaded
return 0
echo never
EOF
. ./lib.sh
greet world
echo "LIBVAR=$LIBVAR"
. ./nosuch.sh
echo never
