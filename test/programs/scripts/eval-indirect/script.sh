#!/bin/sh
for name in alpha beta; do
  eval "value_$name=\$(echo $name | tr a-z A-Z)"
done
eval "echo \$value_alpha \$value_beta"
cmd='echo evaluated'
eval "$cmd; echo second"
var=x; eval "$var=5"; echo "x=$x"
set -- one two three
eval "last=\${$#}"; echo "last=$last"
