#!/usr/bin/env bash
# The whole process's CPU time per 64 KiB message, adversarial inputs against
# ordinary chat (docs/PERFORMANCE.md): `tokenbot scan --jsonl` over N copies
# of one message, so that start-up is spread over them; each input's median
# of R runs, user + system time, divided by N.
#
#   bot/leaks/testdata/whole-process.sh [REGEXP] [N] [R]
#
# REGEXP picks the adversarial inputs (family/name, as BenchmarkAdversarial
# names them); by default the worst input of each family in the last runs.
set -euo pipefail
re=${1:-'^(keyword-assign-distinct/(rapidapi|keyboard)|prefix-invisible/sk-ant-api03-|keyword-assign/rapidapi|prefix-run/glpat-|keyword-run/(s\.|glpat-)|keyword-curl/(atlassian|rapidapi)|blob/curl-bearer|prefix-key/pscale_oauth_|prefix-cjk/glpat-)$'}
n=${2:-200}
runs=${3:-5}
root=$(cd "$(dirname "$0")/../../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$root" && go build -o "$dir/tokenbot" ./cmd/tokenbot &&
	go test -count=1 -run '^TestWriteInputs$' ./bot/leaks/ -write-inputs "$dir" -inputs "$re" >/dev/null)
TIMEFORMAT='%U %S'
chat=""
for f in "$dir/ordinary-chat.jsonl" $(ls "$dir"/*.jsonl | grep -v '/ordinary-chat.jsonl$'); do
	many="$dir/many"
	for _ in $(seq "$n"); do cat "$f"; done >"$many"
	ms=$(for _ in $(seq "$runs"); do
		{ time "$dir/tokenbot" scan --jsonl "$many" >/dev/null 2>&1 || true; } 2>&1 | tail -1
	done | awk -v n="$n" '{print ($1 + $2) * 1000 / n}' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	[ -z "$chat" ] && chat=$ms
	printf '%-60s %7.3f ms/message  %4.1fx\n' "$(basename "$f" .jsonl)" "$ms" "$(awk -v a="$ms" -v b="$chat" 'BEGIN {print a / b}')"
done
