#!/bin/sh
render() {
  cat <<EOF
Dear $1,
  your order #$2 of $(echo "$3" | tr a-z A-Z) ships today.
EOF
}
render Alice 42 widgets
render Bob 7 "blue gizmos"
usage() { cat <<'EOF'
usage: tool [options]
  -h   help ($literal)
EOF
}
usage
