#!/bin/sh
cat > edit.sed <<'EOF'
# comments are allowed
s/colour/color/g
/^#/d
/^$/d
y/abc/ABC/
EOF
sed -f edit.sed doc.txt
sed -n '2{p;q}' doc.txt
sed '1!G;h;$!d' doc.txt | head -3
