#!/bin/sh
echo "first line runs"
echo "( unbalanced" )
echo never
