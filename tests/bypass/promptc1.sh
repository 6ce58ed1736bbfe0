# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY): C1 controls in
# what an operator is shown. The agent chooses every byte of a prompt's
# command line; C1 controls in UTF-8 (U+009D OSC, U+009C ST, U+009B CSI:
# a terminal that honours them sets the clipboard or rewrites the screen
# with them) and a raw 8-bit CSI (0x9b) passed where C0 controls did not:
# `policyctl pending --json`, `watch` into a pipe, `log --json` and the
# grant an `approve --session` (or `--preview`) prints. Natively git
# keeps the value with those bytes; in a session none of these outputs
# holds a C1 control or a byte 0x80..0x9f that is not inside a character,
# and the JSON still decodes to the value. A policyd of its own with
# --approvals ($PC).
echo "== bypass suite (C1 controls in what the operator is shown)"
PC=$TOP/promptc1
mkdir -p "$PC/run" "$PC/ws"
git -C "$PC/ws" init -q 2>/dev/null
PC_VAL=$'x\xc2\x9d52;c;Y3VybCBldmls\xc2\x9c\xc2\x9b2J\x9b2J'
# pc_c1 FILE: how many C1 controls (UTF-8) or bare bytes 0x80..0x9f FILE holds
pc_c1() {
	python3 -c 'import re,sys; d=open(sys.argv[1],"rb").read()
# a C1 control in UTF-8, or a continuation byte that follows no lead byte
print(len(re.findall(rb"\xc2[\x80-\x9f]|(?<![\xc0-\xff\x80-\xbf])[\x80-\x9f]", d)))' "$1"
}
pc_ctl() { TIERGATE_RUNDIR=$PC/run "$BIN/policyctl" "$@"; }
printf '%s' "$PC_VAL" >"$PC/native"
if git -C "$PC/ws" config core.pager "$PC_VAL" && [ "$(git -C "$PC/ws" config core.pager)" = "$PC_VAL" ] &&
   [ "$(pc_c1 "$PC/native")" -ge 4 ]; then
	git -C "$PC/ws" config --unset core.pager
	(TIERGATE_RUNDIR=$PC/run exec "$BIN/policyd" --user --approvals --policy "$POLICY" >/dev/null 2>&1)
	for _ in $(seq 100); do [ -S "$PC/run/control.sock" ] && break; sleep 0.05; done
	# a watcher without a terminal: policyd's JSON lines as they come
	(pc_ctl watch >"$PC/watch" 2>&1 </dev/null) &
	pc_w=$!
	(cd "$PC/ws" && TIERGATE_RUNDIR=$PC/run timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- \
		git config core.pager "$PC_VAL" >"$PC/out" 2>&1) &
	pc_sh=$!
	pc_id=
	for _ in $(seq 200); do
		pc_id=$(pc_ctl pending --json 2>/dev/null | sed -n 's/^\[{"id":\([0-9]*\),.*/\1/p')
		[ -n "$pc_id" ] && break; sleep 0.05
	done
	pc_ctl pending --json >"$PC/pending.json" 2>&1
	pc_ctl approve "$pc_id" --session --preview >"$PC/preview" 2>&1
	pc_ctl approve "$pc_id" --session --preview --json >"$PC/preview.json" 2>&1
	pc_ctl approve "$pc_id" --session >"$PC/approve" 2>&1
	wait "$pc_sh"
	pc_ctl grants >"$PC/grants" 2>&1
	pc_ctl log --json >"$PC/log.json" 2>&1
	kill "$pc_w" 2>/dev/null; wait "$pc_w" 2>/dev/null
	# the JSON decodes to the value (jsonw writes the bare 0x9b as \x9b)
	pc_dec=$(python3 -c 'import json,sys
w=json.load(open(sys.argv[1]))[0]["what"]
print("same" if w == "git config core.pager '"'"'x\u009d52;c;Y3VybCBldmls\u009c\u009b2J\\x9b2J'"'"'" else ascii(w))' "$PC/pending.json" 2>&1)
	pc_bad=
	for f in pending.json preview preview.json approve grants log.json watch; do
		n=$(pc_c1 "$PC/$f")
		[ "$n" = 0 ] || pc_bad="$pc_bad $f:$n"
	done
	if [ -z "$pc_id" ]; then
		bad "C1 in prompts: no prompt opened: $(cat "$PC/out")"
	elif [ -n "$pc_bad" ]; then
		bad "C1 in prompts: C1 controls reach the operator in:$pc_bad"
	elif ! grep -q 'Y3VybCBldmls' "$PC/watch" || ! grep -q 'Y3VybCBldmls' "$PC/log.json" ||
	     ! grep -q 'grant-' "$PC/approve"; then
		bad "C1 in prompts: an output lacks the prompt: $(head -c 300 "$PC/watch") / $(cat "$PC/approve")"
	elif [ "$(git -C "$PC/ws" config core.pager)" != "$PC_VAL" ]; then
		bad "C1 in prompts: the approved call did not run as asked: $(cat "$PC/out")"
	elif [ "$pc_dec" != same ]; then
		bad "C1 in prompts: the JSON does not decode to the command line: $pc_dec"
	else
		ok "C1 controls (OSC, ST, CSI) in a command line: natively in git's value; policyctl pending --json, watch's JSON, log --json, approve --session (--preview, --json) and grants show none raw, and the JSON decodes to the value"
	fi
	git -C "$PC/ws" config --unset core.pager 2>/dev/null
	kill "$(cat "$PC/run/policyd.pid" 2>/dev/null)" 2>/dev/null
else bad "C1 in prompts: the payload does not work even without tiergate"; fi
