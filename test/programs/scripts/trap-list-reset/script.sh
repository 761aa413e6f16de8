#!/bin/sh
trap 'echo one' EXIT
trap 'echo term' TERM INT
trap
trap - INT
trap
trap - EXIT
trap '' HUP
trap
echo end
