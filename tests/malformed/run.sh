#!/bin/bash
# Malformed policies: each must make `policyctl check` exit 1 with an error at
# the expected FILE:LINE:COL (never crash: the test build has ASan+UBSan, which
# would exit with another code). Usage: run.sh POLICYCTL
set -u
ctl=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/tg-malformed-XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$here"/cases/*.yaml "$work"/

python3 - "$work" <<'PY'
import os, random, sys
w = sys.argv[1]
def put(name, data, mode="w"):
    with open(os.path.join(w, name), mode) as f:
        f.write(data)
put("gen-10mb-string.yaml", "version: 1\nname: " + "x" * (10 << 20) + "\n")
put("gen-17mb-file.yaml", "version: 1\n" + "#" * (17 << 20) + "\n")
put("gen-deep-nesting.yaml", "[" * 100000 + "]" * 100000 + "\n")
put("gen-alias-bomb.yaml", "version: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n")
rules = "".join("  - { id: r%d, tier: 1, open: { path: ['/r%d'] } }\n" % (i, i) for i in range(10001))
put("gen-too-many-rules.yaml", "version: 1\nrules:\n" + rules)
put("gen-too-many-nodes.yaml", "[" + ",".join(["1"] * 250000) + "]\n")
put("gen-nul-byte.yaml", b"version: 1\nname: \"a\\0b\"\n", "wb")
put("gen-bad-utf8.yaml", b"version: 1\nname: \xc3\x28\xff\n", "wb")
random.seed(1234)
put("gen-random-junk.yaml", bytes(random.randrange(256) for _ in range(65536)), "wb")
put("gen-long-key.yaml", "k" * 60000 + ": 1\nversion: 1\n")
PY
fail=0 pass=0
while IFS='|' read -r name line col text reported; do
	case "$name" in ''|'#'*) continue ;; esac
	f="$work/$name"
	out=$("$ctl" check "$f" 2>&1 >/dev/null); rc=$?
	want_line=$line; [ "$want_line" = '*' ] && want_line='[0-9]+'
	want_col=$col; [ "$want_col" = '*' ] && want_col='[0-9]+'
	# a leak (LeakSanitizer) does not change the exit status of a
	# program that already fails: look for the report itself
	if grep -q "Sanitizer" <<<"$out"; then
		echo "FAIL $name: sanitizer report"; grep -m3 -A3 "Sanitizer" <<<"$out"; fail=$((fail+1)); continue
	fi
	if [ $rc -ne 1 ]; then
		echo "FAIL $name: exit $rc (want 1)"; echo "$out" | head -5; fail=$((fail+1)); continue
	fi
	[ -n "$reported" ] || reported=$name
	if ! echo "$out" | grep -qE "^[^:]*$reported:$want_line:$want_col: error: .*$(printf '%s' "$text" | sed 's/[][\.*^$()+?{}|]/\\&/g')"; then
		echo "FAIL $name: want $line:$col '$text', got:"; echo "$out" | head -3; fail=$((fail+1)); continue
	fi
	pass=$((pass+1))
done < "$here/expected.txt"
echo "malformed policies: $pass passed, $fail failed"
[ $fail -eq 0 ]
