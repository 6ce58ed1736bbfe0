# diff-wait: 3
# A process that outlives the command that started it (a test server
# started with &, a daemon) goes on working after its parent exits: one
# second later it starts programs and writes a file. Prints what the
# orphan sees (the harness reads the output after waiting three seconds).
(
	sleep 1
	ppid=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$BASHPID/status)
	[ "$ppid" = 1 ] && echo "orphan: adopted by pid 1" || echo "orphan: adopted by another process (a subreaper)"
	/bin/echo "orphan: exec works" || echo "orphan: exec failed"
	if echo data >orphan.txt; then echo "orphan: write works"; else echo "orphan: write failed"; fi
) &
echo "parent exits"
