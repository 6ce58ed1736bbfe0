# The differential harness's workloads (sourced by run.sh). Each NAME has:
#   wl_NAME_about            one line: what runs
#   wl_NAME_prepare          downloads/builds into $CACHE (natively, once);
#                            1 with $SKIP_REASON when it cannot
#   wl_NAME_setup DIR        fills a fresh run directory (natively, untimed)
#   wl_NAME_script           the bash script a run executes in DIR (timed)
#   wl_NAME_parse DIR        the per-test results (results.py lines)
#   wl_NAME_rerun KEYS       a script that runs again only what produced KEYS
#                            (one key a line, in $PWD/keys), into $PWD/rerun
#   wl_NAME_reparse DIR      the re-run's results
# A run directory's path has the same length in every mode ($TOP/n, $TOP/p,
# $TOP/d), so that no limit (a Unix socket's 108 bytes) is met in one mode
# only.

# ------------------------------------------------------------ python
# CPython's regression tests for the modules that exercise what tiergate
# mediates: processes, files, descriptors, threads, sockets, signals.
PY_MODULES=${DIFF_PY_MODULES:-test_os test_subprocess test_posix test_shutil test_tempfile test_socket
	test_threading test_signal test_fcntl test_glob test_pathlib}
# every regrtest run: two workers, a 5-minute bound per module (a hung
# module is reported as timed out, not waited for); AF_VSOCK tests hang on
# this kind of VM natively (a vsock device with no peer)
PY_ARGS="-j2 --timeout 300 -i *VSOCK*"

wl_python_about() { echo "CPython $PY_VER regression tests ($PY -m test): $(echo $PY_MODULES)"; }
wl_python_prepare() { prepare_python; }
wl_python_setup() { mkdir -p "$1/tmp" "$1/out"; }
wl_python_script() {
	echo "export TMPDIR=\$PWD/tmp; timeout -k 10 1500 $PY -m test $PY_ARGS --junit-xml \$PWD/out/junit.xml $(echo $PY_MODULES) >out/log 2>&1; echo \$? >out/rc"
}
wl_python_parse() { $PY "$HERE_DIFF/results.py" junit "$1/out/junit.xml" "$1/out/log"; }
wl_python_rerun() {
	# test ids to match (--matchfile) in their modules; a module with no
	# test result of its own (crashed, timed out) again whole
	local tests mods whole
	tests=$(grep '^test\.' keys)
	mods=$(echo "$tests" | awk -F. 'NF > 1 {print $2}' | sort -u | tr '\n' ' ')
	whole=$(grep '^module:' keys | sed 's/^module://' | sort -u | tr '\n' ' ')
	echo "export TMPDIR=\$PWD/tmp; mkdir -p rerun; printf '%s\n' $(echo $tests) >rerun/match"
	if [ -n "${mods// /}" ]; then
		echo "timeout -k 10 900 $PY -m test $PY_ARGS --junit-xml \$PWD/rerun/junit.xml --matchfile rerun/match $mods >rerun/log 2>&1"
	fi
	if [ -n "${whole// /}" ]; then
		echo "timeout -k 10 900 $PY -m test $PY_ARGS --junit-xml \$PWD/rerun/junit2.xml $whole >rerun/log2 2>&1"
	fi
}
wl_python_reparse() {
	[ -f "$1/rerun/log" ] && $PY "$HERE_DIFF/results.py" junit "$1/rerun/junit.xml" "$1/rerun/log"
	[ -f "$1/rerun/log2" ] && $PY "$HERE_DIFF/results.py" junit "$1/rerun/junit2.xml" "$1/rerun/log2"
	return 0
}

# ------------------------------------------------------------ git
# git's own test scripts (Debian's source of the git this machine runs),
# a slice over what tiergate mediates: the test library itself, config,
# add/rm/mv, local fetch/push/clone, commit/status. Two scripts at a time.
GIT_TESTS=${DIFF_GIT_TESTS:-t0000-basic t1300-config t3600-rm t3700-add t7001-mv t5601-clone t5404-tracking-branches
	t5405-send-pack-rewind t5406-remote-rejects t7501-commit-basic-functionality t7060-wtstatus}

wl_git_about() { echo "git $(basename "$GIT_SRC" | sed 's/^git-//') t/ scripts, two at a time: $(echo $GIT_TESTS)"; }
wl_git_prepare() { prepare_git; }
# the build's hard links in each run directory: the default policy lets a
# session run programs from its workspace, not from build/cache; the
# wrappers the tests run (bin-wrappers/, which name the build directory)
# rewritten to this copy, as new files
wl_git_setup() {
	local f
	mkdir -p "$1/out" "$1/tout" "$1/trash" && cp -al "$GIT_SRC" "$1/src" || return 1
	for f in "$1"/src/bin-wrappers/*; do
		sed "s|$GIT_SRC|$1/src|g" "$f" >"$f.new" && chmod 755 "$f.new" && mv "$f.new" "$f" || return 1
	done
}
wl_git_script() {
	# TEST_OUTPUT_DIRECTORY: test-lib's results go to the run directory,
	# not into the (shared) build tree
	cat <<-EOF
		export TEST_OUTPUT_DIRECTORY=\$PWD/tout; d=\$PWD; cd src/t || exit 1
		printf '%s\n' $(echo $GIT_TESTS) | xargs -P2 -I{} sh -c 'timeout -k 10 900 sh ./{}.sh --root="\$0/trash" >"\$0/out/{}.out" 2>&1; echo \$? >"\$0/out/{}.rc"' "\$d"
	EOF
}
wl_git_parse() { $PY "$HERE_DIFF/results.py" tap "$1/out"; }
wl_git_rerun() {
	local scripts
	scripts=$(sed -E 's/\.[0-9]+$//' keys | sort -u | tr '\n' ' ')
	cat <<-EOF
		export TEST_OUTPUT_DIRECTORY=\$PWD/tout; d=\$PWD; mkdir -p rerun; rm -rf trash; cd src/t || exit 1
		printf '%s\n' $scripts | xargs -P2 -I{} sh -c 'timeout -k 10 900 sh ./{}.sh --root="\$0/trash" >"\$0/rerun/{}.out" 2>&1; echo \$? >"\$0/rerun/{}.rc"' "\$d"
	EOF
}
wl_git_reparse() { $PY "$HERE_DIFF/results.py" tap "$1/rerun"; }

# ------------------------------------------------------------ gzip
# A real C project from Debian's archive, built and tested the way its
# users do: ./configure (hundreds of compile-and-run checks: each result
# in config.h is compared), make -j2, make check (automake's per-test
# results).
wl_gzip_about() { echo "$(basename "$GZIP_TAR" | sed -E 's/_([0-9.]+)\.orig.*/ \1/'): ./configure, make -j2, make -j2 check"; }
wl_gzip_prepare() { prepare_gzip; }
wl_gzip_setup() { mkdir -p "$1/src" "$1/out" && tar -C "$1/src" --strip-components=1 -xf "$GZIP_TAR"; }
wl_gzip_script() {
	cat <<-'EOF'
		export TMPDIR=$PWD/out; cd src || exit 1
		step() { local n=$1; shift; timeout -k 10 900 "$@" >>../out/log 2>&1; echo "$n $?" >>../out/steps; }
		step configure ./configure -q
		step make make -j2
		step check make -j2 check
	EOF
}
wl_gzip_parse() { $PY "$HERE_DIFF/results.py" automake "$1/src" "$1/out/steps"; }
wl_gzip_rerun() {
	# configure's and the build's results are not re-run: a compile and a
	# run of a test program have no timing in them
	local tests
	tests=$(sed -n 's|^test:tests/||p' keys | tr '\n' ' ')
	[ -n "${tests// /}" ] || return 0
	echo "cd src/tests && rm -f $(for t in $tests; do printf '%s.log %s.trs ' "$t" "$t"; done) && timeout -k 10 600 make check TESTS='$tests' >../../out/rerun.log 2>&1"
}
wl_gzip_reparse() {
	local t
	for t in $(sed -n 's|^test:tests/||p' "$1/keys"); do
		[ -f "$1/src/tests/$t.trs" ] || continue
		printf 'test:tests/%s\t%s\t\n' "$t" "$(sed -n 's/^:test-result: *//p' "$1/src/tests/$t.trs" | tr 'A-Z' 'a-z' | head -1)"
	done
}

WORKLOADS_ALL="python git gzip"
