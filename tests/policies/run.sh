#!/bin/bash
# Policy table cases: every shipped policy checks and passes its own tests;
# tests/policies/pass/*.yaml pass; tests/policies/fail/*.yaml must be caught.
set -u
ctl=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }

for p in "$root"/policies/*.yaml; do
	if "$ctl" check "$p" >/dev/null 2>&1; then ok; else bad "check $p"; "$ctl" check "$p"; fi
	out=$("$ctl" test "$p" 2>&1); rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -qE '^[1-9][0-9]* passed, 0 failed$'; then ok
	else bad "test $p"; echo "$out"; fi
done
for p in "$here"/pass/*.yaml; do
	out=$("$ctl" test --var PWD=/work/ws "$p" 2>&1); rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -qE '^[1-9][0-9]* passed, 0 failed$'; then ok
	else bad "test $p"; echo "$out"; fi
done
out=$("$ctl" test "$here/fail/wrong-expectations.yaml" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q '^1 passed, 2 failed$' &&
   echo "$out" | grep -q 'wrong-expectations.yaml:8: FAIL open /ok/file (read): expected deny, got allow by rule a' &&
   echo "$out" | grep -q 'expected allow by rule not-this-one, got allow by rule a'; then ok
else bad "failing expectations were not reported"; echo "$out"; fi

# a finding in a file that several policies include is reported once per
# run, and each policy still says it has warnings
out=$("$ctl" check "$here/shared/one.yaml" "$here/shared/two.yaml" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(echo "$out" | grep -c "common.yaml:8:5: warning: rule 'git-tool' can never decide")" = 1 ] &&
   [ "$(echo "$out" | grep -c 'ok (3 rules, 0 tests, with warnings)')" = 2 ]; then ok
else bad "a shared file's warning once"; echo "$out"; fi

# explain: names every matching rule and the decision
out=$("$ctl" explain "$here/pass/precedence.yaml" -- open /data/logs/p/secret 2>&1)
if echo "$out" | grep -q 'decision: deny by rule deny-one' && [ "$(echo "$out" | grep -cE '^  .*(allow|log|prompt|deny) +\(open matcher\)')" = 6 ]; then ok
else bad "explain precedence"; echo "$out"; fi
out=$("$ctl" explain "$root/policies/default.yaml" -- exec git push --force origin main 2>&1)
if echo "$out" | grep -q 'decision: deny by rule no-force-push-protected' &&
   echo "$out" | grep -q 'force=yes'; then ok; else bad "explain git"; echo "$out"; fi
# an exec of git is decided by the exec and the git rules together: an exec
# rule that allows the git program does not lift the git rules' default
for ev in "exec git reset --hard HEAD~3" "git reset --hard HEAD~3"; do
	out=$("$ctl" explain "$root/policies/strict.yaml" -- $ev 2>&1)
	if echo "$out" | grep -q '^decision: deny'; then ok; else bad "explain strict $ev"; echo "$out"; fi
done
out=$("$ctl" explain "$root/policies/default.yaml" -- connect 169.254.169.254:80 2>&1)
if echo "$out" | grep -q 'decision: deny by rule metadata-endpoints'; then ok; else bad "explain connect"; echo "$out"; fi
out=$("$ctl" explain "$root/policies/default.yaml" -- open /usr/share/x --access write 2>&1)
if echo "$out" | grep -q 'decision: prompt (settings.default: no rule matched)'; then ok; else bad "explain default"; echo "$out"; fi
# usage errors exit 2
"$ctl" explain "$root/policies/default.yaml" -- teleport x >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "explain bad kind"
"$ctl" check >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "check without files"

echo "policy table cases: $pass passed, $fail failed"
[ $fail -eq 0 ]
