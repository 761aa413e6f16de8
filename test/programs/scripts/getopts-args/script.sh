#!/bin/sh
# An argument parser: options with and without values, combined flags, --, errors.
usage() { echo "usage: $0 [-v] [-n NUM] [-o FILE] args..." >&2; exit 2; }
parse() {
  verbose=0 num=1 out=-
  OPTIND=1
  while getopts "vn:o:" opt "$@"; do
    case $opt in
      v) verbose=$((verbose + 1)) ;;
      n) case $OPTARG in *[!0-9]*|'') echo "bad number: $OPTARG" >&2; return 1 ;; esac; num=$OPTARG ;;
      o) out=$OPTARG ;;
      ?) return 1 ;;
    esac
  done
  shift $((OPTIND - 1))
  echo "verbose=$verbose num=$num out=$out rest=$# [$*]"
}
parse -v -n 3 -o file.txt a b
parse -vv -n5 -- -x y
parse -o
echo "status $?"
parse -n abc
echo "status $?"
parse -q 2>&1
echo "status $?"
parse plain words only
