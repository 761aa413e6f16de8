#!/bin/sh
diff old.txt new.txt
echo "status $?"
diff -u old.txt new.txt | tail -n +3
diff old.txt old.txt && echo same
diff -q old.txt new.txt
