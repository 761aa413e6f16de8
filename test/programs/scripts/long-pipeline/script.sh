#!/bin/sh
seq 1 200 | grep '7' | sed 's/^/n/' | tr 'n' 'N' | cut -c2- | sort -rn | head -5 | awk '{s += $1} END {print s}' | cat | wc -c
