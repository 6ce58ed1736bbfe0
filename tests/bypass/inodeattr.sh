# Sourced by run.sh (its ok/bad/skip, $BIN, $WS with the attack programs in
# $WS/bin, $POLICY, $AUDIT): inode flags and attributes (noatime, append,
# nodump, sync, project id) changed on a read-only descriptor or by path
# with no call a file rule decides: ioctl FS_IOC_SETFLAGS and
# FS_IOC_FSSETXATTR, and file_setattr (Linux 6.17); the generation,
# fs-verity and fscrypt requests likewise. Natively each changes
# a workspace file; in a session each is refused (EPERM, rule sandbox, a
# line, audited), while reading them (lsattr) keeps working.
echo "== bypass suite (inode flags and attributes)"
echo x >"$WS/attr-probe"
for ia_mode in setflags fssetxattr file_setattr; do
	out=$(cd "$WS" && bin/static_inodeattr "$ia_mode" attr-probe 2>&1); rc=$?
	if [ $rc -eq 77 ]; then skip "$ia_mode: $out"; continue; fi
	if ! grep -q "$ia_mode: changed" <<<"$out"; then
		bad "$ia_mode: does not work even without tiergate (rc=$rc): $out"; continue
	fi
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bin/static_inodeattr "$ia_mode" attr-probe 2>&1)
	ia_call=ioctl; [ "$ia_mode" = file_setattr ] && ia_call=file_setattr
	if grep -q "$ia_mode: refused errno=1" <<<"$out" &&
	   grep -q "refused $ia_call .*(rule sandbox): a tiergate session cannot change a file's inode flags" <<<"$out" &&
	   grep '"kind":"syscall"' "$AUDIT" | grep -q "\"target\":\"$ia_call\""; then
		ok "$ia_mode on a read-only descriptor or by path: works natively; refused under tiergate (a line, audited)"
	else bad "$ia_mode under tiergate: $out"; fi
done
if command -v chattr >/dev/null && command -v lsattr >/dev/null; then
	if (cd "$WS" && chattr +A attr-probe && lsattr attr-probe | grep -q A && chattr -A attr-probe) 2>/dev/null; then
		out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'chattr +A attr-probe; echo "chattr=$?"; lsattr attr-probe && echo "lsattr works"' 2>&1)
		if grep -qx "chattr=1" <<<"$out" && grep -q "lsattr works" <<<"$out" &&
		   grep -q 'refused ioctl "chattr +A attr-probe" (rule sandbox)' <<<"$out" &&
		   ! lsattr "$WS/attr-probe" | cut -d' ' -f1 | grep -q A; then
			ok "chattr +A: works natively; fails in a session with a line, and lsattr still works there"
		else bad "chattr/lsattr in a session: $out"; fi
	else skip "chattr +A: this file system takes no flags natively"; fi
else skip "chattr/lsattr not installed"; fi
rm -f "$WS/attr-probe"
# the other inode state a read-only descriptor changes: the generation
# (FS_IOC_SETVERSION, ext4's own spelling), fs-verity (read-only for good),
# fscrypt (an empty directory's policy, the file system's keys). Where the
# file system has no such feature natively (no verity, no encrypt feature
# on the test machine's ext4), the native attack is a counted skip, and the
# session's refusal is still checked: the filter refuses the request before
# any file system is asked
for ia_mode in setversion ext4_setversion enable_verity encryption_policy add_key; do
	ia_file=attr-probe-$ia_mode
	rm -rf "${WS:?}/$ia_file"
	if [ "$ia_mode" = encryption_policy ]; then mkdir "$WS/$ia_file"; else echo x >"$WS/$ia_file"; fi
	out=$(cd "$WS" && bin/static_inodeattr "$ia_mode" "$ia_file" 2>&1); rc=$?
	native=1
	if [ $rc -eq 77 ]; then
		skip "$ia_mode natively: $out"; native=0
	elif ! grep -q "$ia_mode: changed" <<<"$out"; then
		bad "$ia_mode: does not work even without tiergate (rc=$rc): $out"; rm -rf "${WS:?}/$ia_file"; continue
	fi
	rm -rf "${WS:?}/$ia_file"
	if [ "$ia_mode" = encryption_policy ]; then mkdir "$WS/$ia_file"; else echo x >"$WS/$ia_file"; fi
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bin/static_inodeattr "$ia_mode" "$ia_file" 2>&1)
	if grep -q "$ia_mode: refused errno=1" <<<"$out" &&
	   grep -q "refused ioctl .*(rule sandbox): a tiergate session cannot change a file's inode flags" <<<"$out"; then
		if [ $native = 1 ]; then ok "$ia_mode on a read-only descriptor: works natively; refused under tiergate (a line)"
		else ok "$ia_mode: refused under tiergate (a line) before the file system is asked"; fi
	else bad "$ia_mode under tiergate: $out"; fi
	rm -rf "${WS:?}/$ia_file"
done
