#!/bin/sh
printf '%s|%5s|%-5s|%.2s\n' abc de fg hijk
printf '%d|%5d|%-5d|%05d|%+d\n' 42 42 42 42 42
printf '%x %X %o %c\n' 255 255 8 A
printf '%.3f %e %g %g\n' 3.14159 1234.5 0.0001 100000
printf '%s\n' one two three
printf '%s=%s\n' a 1 b 2 c
printf 'no newline'; echo
printf '%%literal %b\n' 'tab\there'
printf '\101\102\n'
