# Sourced by run.sh (lib.sh's check/ok/bad/wait_for; $BIN, $PROGS, $TOP):
# the operators' tools. policyctl's variables, its log table, sessions
# named by id or name, the refusal line's command line, the installed
# manual pages and bash completion. A policyd of its own in $TT/run.
TT=$TOP/tools
TT_REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$TT/ws/protected" "$TT/ws/p2" "$TT/run"
TT_POLICY=$TT/policy.yaml
cat >"$TT_POLICY" <<'EOF'
version: 1
settings: { default: allow }
rules:
  - { id: protected-by-a-rule-whose-id-is-much-longer-than-the-column, action: deny, message: "protected/ is read-only", open: { path: ["${PWD}/protected/**"], access: [write, create, delete] } }
  - { id: p2, action: deny, message: "p2/ is read-only", open: { path: ["${PWD}/p2/**"], access: [write, create, delete] } }
  - { id: home-secret, action: deny, open: { path: ["${HOME}/.tiergate-test-secret"] } }
  - { id: no-echo, action: deny, message: "no echo here", exec: { argv: ["echo **"] } }
EOF
tt_shell() { # tt_shell NAME CMD...: a session named NAME in $TT/ws
	( cd "$TT/ws" && TIERGATE_RUNDIR=$TT/run timeout 60 "$BIN/agent-shell" --user --policy "$TT_POLICY" --session "$1" -- "${@:2}" )
}
tt_ctl() { TIERGATE_RUNDIR=$TT/run "$BIN/policyctl" "$@"; }
tt_stop() { # the policyd of $TT/run, by its pid
	local p; p=$(cat "$TT/run/policyd.pid" 2>/dev/null)
	[ -n "$p" ] && kill "$p" 2>/dev/null
	for _ in $(seq 100); do [ -n "$p" ] && kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
}

echo "== policyctl: HOME and USER from the account database, as policyd has them"
pwhome=$(getent passwd "$(id -u)" | cut -d: -f6)
out1=$(HOME=/elsewhere "$BIN/policyctl" explain "$TT_POLICY" -- open "$pwhome/.tiergate-test-secret" 2>&1)
out2=$(env -u HOME "$BIN/policyctl" explain "$TT_POLICY" -- open "$pwhome/.tiergate-test-secret" 2>&1)
check "explain decides on the account's home whatever \$HOME says (as a session would)" \
	bash -c "grep -q 'decision: deny by rule home-secret' <<<'$out1' && grep -q 'decision: deny by rule home-secret' <<<'$out2'"
out3=$(HOME=/elsewhere "$BIN/policyctl" explain --var HOME=/elsewhere "$TT_POLICY" -- open /elsewhere/.tiergate-test-secret 2>&1)
check "--var HOME= still overrides it" grep -q 'decision: deny by rule home-secret' <<<"$out3"

echo "== policyctl log: columns as wide as what they hold"
tt_shell short-run bash -c 'echo x > p2/a; echo y > protected/b; true' >/dev/null 2>&1
tt_shell other-run bash -c 'echo z > p2/c' >/dev/null 2>&1
tt_ctl log >"$TT/log.txt"
# every line's KIND and TARGET columns start where the header's do
check "a long rule id keeps the columns aligned" python3 - "$TT/log.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0]
kind, target = head.index("KIND"), head.index("TARGET")
assert len(lines) > 4, lines
for l in lines[1:]:
    assert l[kind - 1] == " " and l[kind] != " ", (l, kind)
    assert l[kind:].split()[0] in ("session", "open", "exec"), l
    assert l[target - 1] == " " and l[target] != " ", (l, target)
PY
check "and the long rule id is shown whole" grep -q ' protected-by-a-rule-whose-id-is-much-longer-than-the-column ' "$TT/log.txt"

echo "== sessions named by id or by name: sessions, kill, log"
tt_ctl log --session short-run >"$TT/named.txt"
check "log --session NAME shows that session's records (audit records carry its id)" \
	bash -c "grep -q '/p2/a\$' '$TT/named.txt' && grep -q '/protected/b\$' '$TT/named.txt' && ! grep -q '/p2/c\$' '$TT/named.txt'"
sid=$(awk '$7 == "session" && $8 == "short-run" {print $2; exit}' "$TT/log.txt")
tt_ctl log --session "$sid" >"$TT/byid.txt"
check "log --session ID shows the same ($sid)" bash -c "[ -n '$sid' ] && cmp '$TT/byid.txt' '$TT/named.txt'"
# a session whose policyd restarts gets a new id, not a new name
( cd "$TT/ws" && TIERGATE_RUNDIR=$TT/run TIERGATE_RESTART_AFTER_MS=600000 timeout 60 "$BIN/agent-shell" --user --policy "$TT_POLICY" --session across \
	-- bash -c 'echo > p2/before; touch ../ready; while [ ! -e ../go ]; do sleep 0.05; done; echo > p2/after' ) >/dev/null 2>&1 &
sh=$!
wait_for test -e "$TT/ready"
tt_stop
TIERGATE_RUNDIR=$TT/run "$BIN/policyd" --user --policy "$TT_POLICY" >/dev/null 2>&1
touch "$TT/go"
wait $sh
tt_ctl log --session across >"$TT/across.txt"
check "log --session NAME follows the session across a policyd restart (two ids)" \
	bash -c "grep -q '/p2/before\$' '$TT/across.txt' && grep -q '/p2/after\$' '$TT/across.txt' && [ \$(awk 'NR > 1 {print \$2}' '$TT/across.txt' | sort -u | wc -l) = 2 ]"
# policyd gone between the session's opening and the listener's hand-over
# (a crash, a restart): agent-shell waits for a policyd (starting its own
# in user mode), opens the session there and hands it over, as a running
# session does; before, it gave up with "cannot hand the seccomp listener"
# (exit 126). The death comes from a test hook of the sanitizer build (one
# shot: it removes its file first); without it, a counted skip.
HL=$TT/handover
mkdir -p "$HL/run"
touch "$HL/die"
out=$(cd "$TT/ws" && TIERGATE_TEST_DIE_AT_LISTENER=$HL/die TIERGATE_RUNDIR=$HL/run TIERGATE_RESTART_AFTER_MS=100 \
	timeout 60 "$BIN/agent-shell" --user --policy "$TT_POLICY" -- bash -c 'echo handed > hand.txt && cat hand.txt; echo no 2>/dev/null >p2/handed || echo refused' 2>&1)
rc=$?
hp=$(cat "$HL/run/policyd.pid" 2>/dev/null)
if [ -e "$HL/die" ]; then
	skip "policyd dying at the listener's hand-over: this build has no test hooks (make BUILD=build/san SANITIZE=1)"
else
	check "policyd dies at the listener's hand-over: agent-shell waits, opens the session again and runs the command (exit 0)" \
		bash -c "[ $rc = 0 ] && grep -qx handed <<<'$out' && grep -q 'policyd is back' <<<'$out' && [ \"\$(cat '$TT/ws/hand.txt')\" = handed ]"
	check "and the session is mediated: a denied write refused, in the new policyd's audit log" \
		bash -c "grep -qx refused <<<'$out' && [ ! -e '$TT/ws/p2/handed' ] && grep '\"rule\":\"p2\"' '$HL/run/audit.jsonl' | grep -q p2/handed"
fi
[ -n "$hp" ] && [ "$(cat "/proc/$hp/comm" 2>/dev/null)" = policyd ] && kill "$hp" 2>/dev/null
( cd "$TT/ws" && TIERGATE_RUNDIR=$TT/run "$BIN/agent-shell" --user --policy "$TT_POLICY" --session live-one -- sleep 30; true ) >/dev/null 2>&1 &
live=$!
wait_for bash -c "TIERGATE_RUNDIR='$TT/run' '$BIN/policyctl' sessions --names | grep -qx live-one"
check "sessions NAME shows that session alone" bash -c "out=\$(TIERGATE_RUNDIR='$TT/run' '$BIN/policyctl' sessions live-one) && [ \$(wc -l <<<\"\$out\") = 3 ] && grep -q ' live-one ' <<<\"\$out\""
check "sessions NAME --json is that session's object" bash -c "TIERGATE_RUNDIR='$TT/run' '$BIN/policyctl' sessions --json live-one | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [s[\"name\"] for s in d] == [\"live-one\"], d'"
check "sessions with a name nobody has: exit 1 and why" bash -c "! TIERGATE_RUNDIR='$TT/run' '$BIN/policyctl' sessions nobody-has-it 2>'$TT/e' && grep -q \"no open session 'nobody-has-it'\" '$TT/e'"
source "$TT_REPO/wrappers/policyctl.bash-completion"
tt_complete() { # tt_complete WORDS...: what completion offers for the last
	COMP_WORDS=("$BIN/policyctl" "$@"); COMP_CWORD=$#
	TIERGATE_RUNDIR=$TT/run _policyctl
	printf '%s\n' "${COMPREPLY[@]}"
}
check "bash completion offers the commands" bash -c "[ \"\$(echo \$(cat))\" = 'check explain test status sessions reload kill log pending approve deny grants revoke watch help --user --system --help' ]" <<<"$(tt_complete "")"
check "and a live session's name for kill and log --session" \
	bash -c "grep -qx live-one <<<'$(tt_complete kill "")' && grep -qx live-one <<<'$(tt_complete log --session l)'"
check "and the options of a command, and the event kinds of explain" \
	bash -c "[ \"\$(echo \$(cat))\" = '--session --follow --json --file' ]" <<<"$(tt_complete log --)"
check "and explain's event kinds" bash -c "[ \"\$(echo \$(cat))\" = 'exec open connect git' ]" <<<"$(tt_complete explain x.yaml -- "")"
check "kill NAME kills the session named so" bash -c "TIERGATE_RUNDIR='$TT/run' '$BIN/policyctl' kill live-one | grep -q '^session s[0-9]*-[0-9]*: '"
wait $live 2>/dev/null
tt_stop

echo "== a refusal line quotes the command line as a shell would"
# without the kernel backstop (no_notify hides it) agent-shell asks policyd
# about the first program itself and writes the refusal line
TIERGATE_RUNDIR=$TT/run "$BIN/policyd" --user --policy "$TT_POLICY" >/dev/null 2>&1
rc=0
( cd "$TT/ws" && TIERGATE_RUNDIR=$TT/run "$PROGS/no_notify" "$BIN/agent-shell" --user --policy "$TT_POLICY" -- echo 'a b' "it's" plain '' ) >"$TT/q.out" 2>"$TT/q.err" || rc=$?
cat >"$TT/q.want" <<'EOF'
tiergate: refused exec "echo 'a b' 'it'\''s' plain ''" (rule no-echo): no echo here
EOF
check "agent-shell's refusal of the first program: arguments with spaces and quotes quoted, empty ones as ''" \
	bash -c "[ $rc = 126 ] && grep -qxFf '$TT/q.want' '$TT/q.err' && [ ! -s '$TT/q.out' ]"
tt_stop

echo "== make install: manual pages and completion, PREFIX and DESTDIR"
BUILD_DIR=$(dirname "$BIN")
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TT_REPO" BUILD="$BUILD_DIR" PREFIX=/opt/tg DESTDIR="$TT/dest" install >"$TT/install.log" 2>&1; then
	ok "make install PREFIX=/opt/tg DESTDIR=... ran"
else bad "make install: $(tail -5 "$TT/install.log")"; fi
for page in man1/agent-shell.1 man5/tiergate-policy.5 man8/policyctl.8 man8/policyd.8; do
	f=$TT/dest/opt/tg/share/man/$page
	check "$page installed, renders with no warning (groff -man -ww, man -l)" \
		bash -c "[ -f '$f' ] && [ -z \"\$(groff -man -ww -z '$f' 2>&1)\" ] && [ -z \"\$(MANWIDTH=80 man -l '$f' 2>&1 >/dev/null)\" ] && MANWIDTH=80 man -l '$f' 2>/dev/null | grep -q '^NAME'"
done
check "the pages name the installed paths (PREFIX), not placeholders" bash -c "grep -q '/opt/tg/share/bash' '$TT/dest/opt/tg/share/man/man8/policyctl.8' && ! grep -rq @PREFIX@ '$TT/dest'"
check "bash completion installed where bash-completion looks" test -s "$TT/dest/opt/tg/share/bash-completion/completions/policyctl"
check "the programs and the unit too" bash -c "[ -x '$TT/dest/opt/tg/bin/policyctl' ] && grep -q 'ExecStart=/opt/tg/bin/policyd' '$TT/dest/lib/systemd/system/tiergate-policyd.service'"
