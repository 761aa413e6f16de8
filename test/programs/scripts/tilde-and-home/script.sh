#!/bin/sh
HOME=/home/user
echo ~ ~/docs "~" a~b
p=~/bin:~/lib; echo "$p"
cd ~ 2>/dev/null || echo "no such home (expected)"
