#!/bin/sh
(sleep 0.2; echo "slow done") &
slow=$!
(echo "fast done") &
fast=$!
wait $fast
echo "fast status $?"
wait $slow
echo "slow status $?"
(exit 7) &
wait $!
echo "bg exit $?"
sleep 0.1 &
sleep 0.1 &
wait
echo "all done"
