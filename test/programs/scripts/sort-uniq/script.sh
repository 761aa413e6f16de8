#!/bin/sh
sort names.txt
sort -r names.txt
sort -u names.txt
sort -t, -k2 -n nums.csv
sort names.txt | uniq -c
sort names.txt | uniq -d
sort names.txt | uniq -u
