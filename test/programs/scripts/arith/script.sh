#!/bin/sh
i=0 sum=0
while [ $i -lt 10 ]; do i=$((i + 1)); sum=$((sum + i * i)); done
echo "sum of squares: $sum"
echo $(( (7 + 3) * 2 / 3 )) $(( 7 % 3 )) $(( -7 / 2 )) $(( 1 << 10 )) $(( 0xff )) $(( 010 ))
a=5 b=3
echo $(( a > b ? a : b )) $(( a == b )) $(( a != b && b > 0 )) $(( !a )) $(( ~a )) $(( a ^ b )) $(( a | b )) $(( a & b ))
n=1; n=$((n += 4)); echo $n $(( n *= 2 )) $n $(( n -= 1 )) $(( n /= 3 )) $(( n %= 2 ))
x=7; echo $(( x ))$(( x+1 ))
echo $(( 2 > 1 && 3 > 2 || 0 ))
