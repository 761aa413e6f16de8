#!/bin/sh
date -u -d @0 '+%Y-%m-%d %H:%M:%S %a %b %j'
date -u -d '2024-02-29 12:30:00' '+%F %T %A %U'
date -u -d @1700000000 +%s
date -u -d '2024-01-31' '+%d/%m/%y'
