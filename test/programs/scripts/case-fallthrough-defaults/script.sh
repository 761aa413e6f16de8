#!/bin/sh
for arg in start stop restart status bogus; do
  case $arg in
    start|restart) echo "starting ($arg)" ;;
    stop) echo "stopping" ;;
    stat*) echo "status ok" ;;
    *) echo "unknown: $arg" ;;
  esac
done
case "x" in
  y) echo no ;;
esac
echo "case without match status $?"
