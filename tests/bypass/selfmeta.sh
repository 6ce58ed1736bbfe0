# Sourced by run.sh after selfprot.sh (its sp_attack, self_as, $SW, $SRUN,
# $SAUDIT): the metadata calls and the bind of a Unix socket that the
# threat model says tiergate-self refuses on tiergate's own files, by raw
# system calls (static programs: the kernel path): chmod, chown and a
# back-dated mtime of the audit log, a socket bound in the run directory.
echo "== tiergate's own files: metadata and sockets (built-in rule tiergate-self)"
cp "$WS/bin/static_fs" "$WS/bin/static_unix" "$SW/bin/"
SM_MODE=$(stat -c %a "$SAUDIT") SM_OWNER=$(stat -c %u:%g "$SAUDIT")
sm_mode_intact() { [ "$(stat -c %a "$SAUDIT")" = "$SM_MODE" ]; }
sm_mode_restore() { chmod "$SM_MODE" "$SAUDIT"; }
sp_attack "chmod the audit log (raw syscall)" "chmod: done" sm_mode_intact sm_mode_restore \
	bin/static_fs chmod "$SAUDIT"
if [ "$(id -u)" = 0 ]; then
	sm_owner_intact() { [ "$(stat -c %u:%g "$SAUDIT")" = "$SM_OWNER" ]; }
	sm_owner_restore() { chown "$SM_OWNER" "$SAUDIT"; }
	sp_attack "chown the audit log (raw syscall)" "chown: done" sm_owner_intact sm_owner_restore \
		bin/static_fs chown "$SAUDIT"
else skip "chown of the audit log (not root: natively refused)"; fi
SM_MTIME=$(stat -c %Y "$SAUDIT")
sm_time_intact() { [ "$(stat -c %Y "$SAUDIT")" != 1000000000 ]; }
sm_time_restore() { touch -d "@$SM_MTIME" "$SAUDIT"; }
sp_attack "back-date the audit log (utimensat, raw syscall)" "utimens: done" sm_time_intact sm_time_restore \
	bin/static_fs utimens "$SAUDIT"
sm_sock_intact() { [ ! -e "$SRUN/evil.sock" ]; }
sm_sock_restore() { rm -f "$SRUN/evil.sock"; }
sp_attack "bind a Unix socket in the run directory (raw syscall)" "bound" sm_sock_intact sm_sock_restore \
	bin/static_unix bind "$SRUN/evil.sock"
# an extended attribute on the audit log (a user.* one: its owner may set
# it; where the file system takes none natively: a counted skip)
sm_xattr() { # sm_xattr set|get|del NAME
	python3 - "$1" "$2" "$SAUDIT" <<'PY' 2>/dev/null
import os, sys
op, name, f = sys.argv[1:4]
if op == "set": os.setxattr(f, name, b"1")
elif op == "get": os.getxattr(f, name)
else: os.removexattr(f, name)
PY
}
if sm_xattr set user.tgprobe && sm_xattr del user.tgprobe; then
	sm_xattr_intact() { ! sm_xattr get user.tg; }
	sm_xattr_restore() { sm_xattr del user.tg; :; }
	sp_attack "an extended attribute on the audit log (setxattr, raw syscall)" "setxattr: done" \
		sm_xattr_intact sm_xattr_restore bin/static_fs setxattr "$SAUDIT"
else skip "an extended attribute on the audit log: this file system takes none natively"; fi
