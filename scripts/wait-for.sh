#!/usr/bin/env bash
# wait-for.sh URL SECONDS WHAT — waits until URL answers, or fails naming WHAT.
set -u
url=$1; seconds=$2; what=$3
for _ in $(seq 1 "$seconds"); do
  curl -fsS -o /dev/null "$url" 2>/dev/null && exit 0
  sleep 1
done
echo "error: $what did not start within ${seconds}s ($url)" >&2
exit 1
