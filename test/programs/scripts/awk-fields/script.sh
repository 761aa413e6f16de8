#!/bin/sh
awk -F, 'NR > 1 { total[$2] += $3; count[$2]++ } END { for (k in total) print k, total[k], total[k] / count[k] }' sales.csv | sort
awk -F, -v OFS=' | ' 'NR == 1 { next } { $3 = $3 * 2; print $1, $3 }' sales.csv
awk 'BEGIN { printf "%-6s|%6.2f|%03d\n", "ab", 3.14159, 7 }'
awk -F, '{ print NF ":" $NF }' sales.csv | sort -u
awk 'length($0) > 12' sales.csv
awk -F, '$3 ~ /^[0-9]+$/ && $3 > 15 { print $1 }' sales.csv
