#!/bin/sh
# A text report: awk, sort, uniq -c over a log.
echo "== requests per status"
awk '{print $3}' access.log | sort | uniq -c | sort -rn
echo "== bytes per path"
awk '{bytes[$2] += $4} END {for (p in bytes) printf "%-12s %6d\n", p, bytes[p]}' access.log | sort
echo "== busiest client"
cut -d' ' -f1 access.log | sort | uniq -c | sort -k1,1nr -k2 | head -1 | awk '{print $2, "with", $1, "requests"}'
echo "== average size"
awk '{n++; s += $4} END {printf "%.2f over %d requests\n", s / n, n}' access.log
