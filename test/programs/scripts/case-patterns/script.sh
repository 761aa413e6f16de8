#!/bin/sh
classify() {
  case $1 in
    '') echo "empty" ;;
    *[!0-9]*) case $1 in
                [A-Z]*) echo "$1: capitalized word" ;;
                *.c|*.h) echo "$1: C source" ;;
                ?) echo "$1: one char" ;;
                *) echo "$1: other" ;;
              esac ;;
    *) echo "$1: number" ;;
  esac
}
for w in 42 Hello main.c util.h x "with space" '' ab; do classify "$w"; done
