#!/bin/sh
# trap cleanup: a temporary directory removed on exit, also after an error.
work=tmp.$$
cleanup() {
  rm -rf "$work"
  echo "cleaned up"
}
trap cleanup EXIT
mkdir "$work"
echo data > "$work/file"
ls "$work"
trap 'echo "got TERM"; exit 3' TERM
kill -TERM $$
echo "not reached"
