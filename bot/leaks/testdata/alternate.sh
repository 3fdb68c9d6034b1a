#!/usr/bin/env bash
# Two test binaries of bot/leaks (say main's and a branch's, built with
# `go test -c -o`), alternated per adversarial family: each round runs
# both (the order flipping every round) on
# -test.bench 'BenchmarkAdversarial/(ordinary-chat|FAMILY)$' -test.benchtime=5x,
# so every family figure has the chat of its own run beside it.
# Prints one line per run: family, binary, round, chat ns, family worst ns,
# ratio, slowest input, load average (1 min).
#
#   bot/leaks/testdata/alternate.sh A.test B.test [ROUNDS] [FAMILY...]
set -euo pipefail
a=$1 b=$2
rounds=${3:-5}
shift $(($# < 3 ? $# : 3))
families=("$@")
[ ${#families[@]} -eq 0 ] && families=(blob keyword-assign keyword-assign-distinct keyword-curl keyword-run prefix-cjk prefix-invisible prefix-key prefix-run)
cd "$(dirname "$0")/.." # the package directory: the binaries read testdata/
for fam in "${families[@]}"; do
	for r in $(seq "$rounds"); do
		order=("$a" "$b")
		[ $((r % 2)) -eq 0 ] && order=("$b" "$a")
		for bin in "${order[@]}"; do
			load=$(cut -d' ' -f1 /proc/loadavg)
			"$bin" -test.run '^$' -test.bench "BenchmarkAdversarial/(ordinary-chat|$fam)\$" -test.benchtime=5x 2>&1 |
				awk -v fam="$fam" -v bin="$(basename "$bin")" -v r="$r" -v ld="$load" '
					/^BenchmarkAdversarial\/ordinary-chat/ {chat = $7}
					/^BenchmarkAdversarial\// && !/ordinary-chat/ {worst = $7}
					/slowest input/ && !/ordinary-chat/ {sub(/.*slowest input /, ""); name = $0}
					END {printf "%s %s %d %d %d %.2f %s %s\n", fam, bin, r, chat, worst, worst / chat, name, ld}'
		done
	done
done
