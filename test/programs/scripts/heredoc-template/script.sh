#!/bin/sh
# A here-document template: expansions, quoted delimiters, <<- with tabs, a loop writing files.
name=keel version=1.2 features="pipes jobs heredocs"
cat <<EOF
# Config for $name
version = "$version"
count = $(echo $features | wc -w)
features = [$(for f in $features; do printf '"%s",' "$f"; done)]
literal = \$HOME and \`cmd\`
EOF
cat <<'RAW'
raw: $name $(echo no) `echo no`
RAW
	cat <<-TABS
	indented with tabs $name
		nested tab
	TABS
for env in dev prod; do
  cat > "$env.conf" <<EOF
env=$env
url=https://$env.example.com/$name
EOF
done
cat dev.conf prod.conf
