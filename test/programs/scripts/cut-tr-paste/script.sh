#!/bin/sh
cut -d: -f1,3 data.txt
cut -c1-3 data.txt
tr ':' '\t' < data.txt | cut -f2
cut -d: -f2 data.txt > col2
cut -d: -f1 data.txt > col1
paste col1 col2
paste -d, -s col1
tr -d 'aeiou' < data.txt
echo "hello   world" | tr -s ' '
echo "Hello World" | tr 'A-Za-z' 'N-ZA-Mn-za-m'
