#!/bin/sh
seq 100 > nums
head -3 nums
tail -2 nums
head -n -97 nums
tail -n +99 nums
wc -l < nums
wc -w nums
wc -c < nums
printf 'one two\nthree\n' | wc
