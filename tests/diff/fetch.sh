# Upstream sources and builds for the differential harness and the
# benchmarks (sourced by tests/diff/run.sh and tests/bench/bench.sh; needs
# $CACHE and $PY).
#
# Everything downloaded or built lives in $CACHE (build/cache by default):
# a second run finds it there. Upstream code is fetched at run time from
# Debian's archive through a private apt configuration (its own source
# lists, index and cache under $CACHE/apt), so the machine's apt state is
# not touched and nothing upstream is ever committed. Each prepare_*
# returns 0, or 1 with the reason in $SKIP_REASON.

PY=${PY:-/usr/bin/python3}

# ------------------------------------------------------------ apt

APT_DIR=
# apt_setup: a private apt configuration with this Debian release's source
# indexes (deb-src), refreshed when older than a day.
apt_setup() {
	APT_DIR=$CACHE/apt
	if ! command -v apt-get >/dev/null; then
		SKIP_REASON="apt-get is not available"
		return 1
	fi
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/parts" "$APT_DIR/files"
	local suite
	suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	APT_SUITE=$suite
	if [ -z "$suite" ]; then
		SKIP_REASON="no VERSION_CODENAME in /etc/os-release: not a Debian release apt can name"
		return 1
	fi
	cat >"$APT_DIR/sources.list" <<-EOF
		deb-src http://deb.debian.org/debian $suite main
		deb-src http://deb.debian.org/debian-security $suite-security main
	EOF
	APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/parts"
		-o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache" -o Debug::NoLocking=1
		-o APT::Sandbox::User=root -o Acquire::Retries=2 -o Acquire::http::Timeout=30)
	if [ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Sources*' -mmin -1440 2>/dev/null)" ]; then
		if ! timeout 300 apt-get -q "${APT_OPTS[@]}" update >"$APT_DIR/update.log" 2>&1 ||
			[ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Sources*')" ]; then
			SKIP_REASON="apt-get update failed (no network?): $(tail -1 "$APT_DIR/update.log")"
			return 1
		fi
	fi
	return 0
}

# apt_source PACKAGE: downloads PACKAGE's Debian source (.dsc, orig tarball,
# Debian changes; apt checks each against the signed index) into
# $APT_DIR/files, once. Sets APT_ORIG, the orig tarball's path.
apt_source() {
	local pkg=$1 orig want
	orig=$(ls "$APT_DIR/files/${pkg}_"*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
	# the newest version, else the release's own (a mirror may lack the
	# security archive's files while listing them)
	for want in "$pkg" "$pkg/$APT_SUITE"; do
		[ -z "$orig" ] || break
		(cd "$APT_DIR/files" && timeout 600 apt-get -q "${APT_OPTS[@]}" source --download-only "$want") \
			>"$APT_DIR/source-$pkg.log" 2>&1
		orig=$(ls "$APT_DIR/files/${pkg}_"*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
	done
	if [ -z "$orig" ]; then
		SKIP_REASON="apt-get source $pkg failed: $(grep -m1 -E '^(E|W):' "$APT_DIR/source-$pkg.log")"
		return 1
	fi
	APT_ORIG=$orig
}

# ------------------------------------------------------------ sources and builds

# prepare_git: git's source from Debian's archive, built once in
# $CACHE/git (its own tests need the build tree). Sets GIT_SRC.
prepare_git() {
	local orig dir
	apt_setup || return 1
	apt_source git || return 1
	orig=$APT_ORIG
	dir=$CACHE/git/$(basename "$orig" | sed -E 's/^git_([^.]+\.[^.]+\.[^.]+)\.orig.*/git-\1/')
	if [ ! -f "$dir/.tg-built" ]; then
		rm -rf "$dir" && mkdir -p "$CACHE/git" && tar -C "$CACHE/git" -xf "$orig" || {
			SKIP_REASON="cannot unpack $orig"
			return 1
		}
		# -O1 without debug information: half the compile time of the
		# default, and the tests' time is in process starts, not in git
		if ! make -C "$dir" -j"$(nproc)" NO_TCLTK=1 NO_GETTEXT=1 CFLAGS=-O1 >"$dir/tg-build.log" 2>&1; then
			SKIP_REASON="git did not build: $(tail -1 "$dir/tg-build.log") (see $dir/tg-build.log)"
			return 1
		fi
		touch "$dir/.tg-built"
	fi
	GIT_SRC=$dir
}

# prepare_gzip: gzip's orig tarball from Debian's archive. Sets GZIP_TAR.
prepare_gzip() {
	apt_setup || return 1
	apt_source gzip || return 1
	GZIP_TAR=$APT_ORIG
}

# prepare_python: CPython's own regression tests for /usr/bin/python3
# (Debian's libpython3.11-testsuite puts them where the interpreter's
# `test` package is; installed if missing and we are root). Sets PY_VER.
prepare_python() {
	PY_VER=$($PY -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || {
		SKIP_REASON="$PY does not run"
		return 1
	}
	local pkg=libpython$PY_VER-testsuite
	if [ ! -f "/usr/lib/python$PY_VER/test/test_os.py" ]; then
		if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
			SKIP_REASON="$pkg is not installed (as root the harness installs it)"
			return 1
		fi
		if ! DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$pkg" \
			>"$CACHE/apt-install-$pkg.log" 2>&1; then
			SKIP_REASON="apt-get install $pkg failed: $(grep -m1 '^E:' "$CACHE/apt-install-$pkg.log")"
			return 1
		fi
	fi
	[ -f "/usr/lib/python$PY_VER/test/test_os.py" ] || {
		SKIP_REASON="$pkg gives no test_os.py"
		return 1
	}
}
