#!/bin/sh
# Format a CSV file as an aligned table with a header rule.
awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) { head[i] = $i; w[i] = length($i) } n = NF; next }
{ rows++; for (i = 1; i <= NF; i++) { cell[rows, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
END {
  line = ""
  for (i = 1; i <= n; i++) { printf "%-" w[i] "s%s", head[i], (i < n ? " | " : "\n"); line = line sprintf("%" w[i] "s", "") (i < n ? "-+-" : "") }
  gsub(/ /, "-", line); print line
  for (r = 1; r <= rows; r++) for (i = 1; i <= n; i++) printf "%-" w[i] "s%s", cell[r, i], (i < n ? " | " : "\n")
}' people.csv
