#!/usr/bin/env bash
# The whole process on one message: `tokenbot scan --jsonl FILE` on a file
# of one message of SIZE bytes (ordinary chat, and the adversarial inputs
# REGEXP picks), RUNS times each; per input the median wall time and the
# median user + system CPU time, and their ratios to ordinary chat's
# (docs/PERFORMANCE.md). Start-up (building the scanner) is in every run.
#
#   bot/leaks/testdata/whole-process-once.sh SIZE [REGEXP] [RUNS] [TOKENBOT...]
#
# With TOKENBOT binaries given, each is timed on the same files, runs of
# the binaries alternating; without, the tree's ./cmd/tokenbot is built.
set -euo pipefail
size=${1:-65536}
re=${2:-'^(prefix-invisible/(AGE-SECRET-KEY-1|sk-ant-api03-|pypi-AgEIcHlwaS5vcmc|SG\.)|keyword-run/(xoxo|s\.)|keyword-assign-distinct/rapidapi|keyword-curl/q~|prefix-run/glpat-)$'}
runs=${3:-11}
shift $(($# < 3 ? $# : 3))
root=$(cd "$(dirname "$0")/../../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
	(cd "$root" && go build -o "$dir/tokenbot" ./cmd/tokenbot)
	bins=("$dir/tokenbot")
fi
(cd "$root" && go test -count=1 -run '^TestWriteInputs$' ./bot/leaks/ -write-inputs "$dir" -inputs "$re" -inputs-size "$size" >/dev/null)
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
TIMEFORMAT='%R %U %S'
declare -A chatWall chatCPU
for f in "$dir/ordinary-chat.jsonl" $(ls "$dir"/*.jsonl | grep -v '/ordinary-chat.jsonl$'); do
	for b in "${bins[@]}"; do : >"$dir/times-$(basename "$b")"; done
	for _ in $(seq "$runs"); do
		for b in "${bins[@]}"; do
			{ time "$b" scan --jsonl "$f" >/dev/null 2>&1 || true; } 2>>"$dir/times-$(basename "$b")"
		done
	done
	for b in "${bins[@]}"; do
		t="$dir/times-$(basename "$b")"
		wall=$(awk '{print $1}' "$t" | median)
		cpu=$(awk '{print $2 + $3}' "$t" | median)
		[ -z "${chatWall[$b]:-}" ] && chatWall[$b]=$wall chatCPU[$b]=$cpu
		printf '%-16s %-58s wall %6.3f s %5.2fx  user+sys %6.3f s %5.2fx  load %s\n' "$(basename "$b")" "$(basename "$f" .jsonl)" \
			"$wall" "$(awk -v a="$wall" -v b="${chatWall[$b]}" 'BEGIN {print a / b}')" \
			"$cpu" "$(awk -v a="$cpu" -v b="${chatCPU[$b]}" 'BEGIN {print a / b}')" "$(cut -d' ' -f1 /proc/loadavg)"
	done
done
