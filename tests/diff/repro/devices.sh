# diff-policy: default
# Writing to the standard devices and to one's own standard output by
# name: GNU packages' help-version test (gzip, coreutils, grep, sed, tar)
# writes --help to /dev/full and expects "No space left on device"; scripts
# write errors to /dev/stderr; /dev/stdout and /proc/self/fd/1 are the
# program's own output, here a pipe; a pseudo-terminal is opened through
# /dev/ptmx (os.openpty, script, pexpect). Prints the complaint for each,
# if any (policies/default.yaml means to allow all of these).
w() {
	local err
	err=$({ bash -c "echo x > $1" | cat >/dev/null; } 2>&1)
	err=${err##*line 1: }
	echo "echo x > $1 (stdout a pipe): ${err:-ok}"
}
for t in /dev/null /dev/full /dev/zero /dev/stdout /dev/stderr /dev/fd/1 /proc/self/fd/1; do
	w "$t"
done
err=$(/usr/bin/python3 -c 'import os; os.openpty()' 2>&1 | tail -1)
echo "os.openpty(): ${err:-ok}"
