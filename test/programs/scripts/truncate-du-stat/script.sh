#!/bin/sh
printf '0123456789' > f
truncate -s 4 f; cat f; echo
truncate -s +3 f; wc -c < f
truncate -s 0 f; wc -c < f
printf '%02000d' 0 > big
du -b big
