#!/bin/sh
printf 'Keel\n\001\377' > bytes
od -c bytes
od -An -tx1 bytes
od -tu1 -N4 bytes
od -Ad -to2 bytes
