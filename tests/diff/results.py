#!/usr/bin/python3
"""The differential harness's results: one line per upstream test,
"KEY<TAB>STATUS<TAB>INFO", from each suite's own report; and the comparison
of two such lists.

  results.py junit XML REGRTEST_LOG        CPython regrtest (--junit-xml)
  results.py tap DIR                       git's t/*.sh output (DIR/tNNNN*.out, .rc)
  results.py automake BUILDDIR STEPS       automake's .trs files + config.h + step codes
  results.py compare NATIVE OTHER KNOWN WORKLOAD POLICY
                                           differing keys, known or not
  results.py confirm DIFF NATIVE2 OTHER2   which differences a re-run gave again

Statuses are the suites' own: pass, fail, error, skip, todo (an expected
failure), todo-passed, missing (no result at all). A skip is a result like
any other: a test skipped under mediation and run natively is a difference.
Reads only files the harness wrote; runs under /usr/bin/python3.
"""
import fnmatch
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET


def out(rows):
    for key, status, info in sorted(rows):
        info = info.replace("\t", " ").replace("\n", " ")[:160]
        print(f"{key}\t{status}\t{info}")


def junit(xml_path, log_path):
    """regrtest's JUnit XML: one <testcase name="test.test_os.Class.meth">
    per test, with <failure>, <error> or <skipped> inside. A module that
    crashed or timed out has no test cases; its line in regrtest's log
    ("[ 3/11] test_x failed (…)") is kept as a result of its own."""
    rows = []
    if os.path.exists(xml_path):
        try:
            root = ET.parse(xml_path).getroot()
        except ET.ParseError as e:
            rows.append(("junit-xml", "error", str(e)))
            root = None
        prev = "start"
        for case in root.iter("testcase") if root is not None else []:
            if "name" not in case.attrib:
                # regrtest writes an empty <testcase /> for a test whose
                # subtests errored (3.11): named after the test before it
                rows.append((f"{prev}+next", "error", "a test with failing subtests (unnamed in the XML)"))
                continue
            prev = case.attrib["name"]
            status, info = "pass", ""
            for child in case:
                if child.tag in ("failure", "error"):
                    status = "fail" if child.tag == "failure" else "error"
                    info = (child.attrib.get("message") or child.text or "").strip().splitlines()
                    info = info[-1] if info else ""
                elif child.tag == "skipped":
                    status, info = "skip", (child.text or child.attrib.get("message") or "")
            rows.append((case.attrib["name"], status, info))
    else:
        rows.append(("junit-xml", "missing", xml_path))
    # modules with test cases in the XML are judged by them; the others
    # (crashed, timed out, failed to import) by regrtest's line for them
    seen = {r[0].split(".")[1] for r in rows if r[0].startswith("test.")}
    with open(log_path, errors="replace") as f:
        for line in f:
            m = re.search(r"\[\s*\d+/\d+(?:/\d+)?\] (test_\w+) (\w[\w ]*?)(?: \(|$)", line.rstrip())
            if m and m.group(1) not in seen:
                seen.add(m.group(1))
                # "passed (46.2 sec)" and "passed" are one result
                rows.append(("module:" + m.group(1), m.group(2).split()[0], m.group(2)))
    return rows


TAP = re.compile(r"^(not ok|ok) (\d+)(?: - (.*?))?(?: # (TODO|skip|SKIP)\b ?(.*))?$")


def tap(directory):
    """git's test scripts: "ok N - desc", "not ok N - desc", "# TODO known
    breakage" and "# skip" directives, "1..0 # SKIP reason" for a script
    skipped whole; and each script's exit code."""
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "*.out"))):
        script = os.path.basename(path)[:-4]
        rcfile = path[:-4] + ".rc"
        rc = open(rcfile).read().strip() if os.path.exists(rcfile) else "none"
        skipped_all = None
        with open(path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                m = TAP.match(line)
                if m:
                    ok, num, desc, directive, reason = m.groups()
                    if directive == "TODO":
                        status = "todo-passed" if ok == "ok" else "todo"
                    elif directive:
                        status = "skip"
                        desc = desc or reason
                    else:
                        status = "pass" if ok == "ok" else "fail"
                    rows.append((f"{script}.{int(num):03d}", status, desc or ""))
                elif line.startswith("1..0 # SKIP"):
                    skipped_all = line[len("1..0 # SKIP"):].strip()
        # the script's own result only where its tests' results do not
        # already say it: skipped whole, or failed with no test failing
        # (killed, timed out, a crash between tests)
        failed = any(r[0].startswith(script + ".") and r[1] == "fail" for r in rows)
        if skipped_all is not None:
            rows.append((script, "skip", skipped_all))
        elif rc == "0" or failed:
            rows.append((script, "ran", ""))
        else:
            rows.append((script, f"exit-{rc}", "the script failed with no test failing"))
    return rows


def automake(builddir, steps):
    """An autotools project: each step's exit code ("configure 0" lines in
    STEPS), every configure result (config.h: each macro defined or not,
    with its value; config.log: each cache variable's value), and each
    test's :test-result: from its .trs file."""
    rows = []
    with open(steps) as f:
        for line in f:
            name, rc = line.split()
            rows.append((f"step:{name}", "pass" if rc == "0" else "fail", f"exit {rc}"))
    # config.h where configure wrote it (gnulib projects: lib/config.h)
    for confh in [os.path.join(builddir, "config.h")] + sorted(glob.glob(os.path.join(builddir, "*", "config.h"))):
        if not os.path.exists(confh):
            continue
        with open(confh, errors="replace") as f:
            for line in f:
                m = re.match(r"#define (\w+)(?:\s+(.*))?$", line.strip())
                if m:
                    rows.append((f"config:{m.group(1)}", "defined", (m.group(2) or "").strip()))
                    continue
                m = re.match(r"/\* #undef (\w+) \*/$", line.strip())
                if m:
                    rows.append((f"config:{m.group(1)}", "undefined", ""))
    # every check's cached answer (config.log's "Cache variables" section:
    # ac_cv_func_open_slash=no), including the checks config.h does not show
    log = os.path.join(builddir, "config.log")
    if os.path.exists(log):
        with open(log, errors="replace") as f:
            for line in f:
                m = re.match(r"([a-z]+_cv_\w+)=(.*)$", line.rstrip("\n"))
                if m:
                    rows.append((f"cache:{m.group(1)}", "set", m.group(2).strip("'")))
    for trs in sorted(glob.glob(os.path.join(builddir, "**", "*.trs"), recursive=True)):
        name = os.path.relpath(trs, builddir)[:-4]
        status = "missing"
        with open(trs, errors="replace") as f:
            for line in f:
                if line.startswith(":test-result:"):
                    status = line.split(":", 2)[2].strip().lower()
        rows.append((f"test:{name}", status, ""))
    return rows


def load(path):
    rows = {}
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                rows[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return rows


def load_known(path):
    """known.txt: "ID | description | reproducer | upstream tests", the last
    field a space-separated list of WORKLOAD:GLOB patterns (optional)."""
    known = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|")]
            if len(fields) < 3:
                continue
            pats = fields[3].split() if len(fields) > 3 else []
            known.append((fields[0], pats))
    return known


def compare(native_path, other_path, known_path, workload, policy):
    """Prints one line per differing key: "KEY<TAB>NATIVE<TAB>OTHER<TAB>KNOWN-ID
    or -". A key is a difference when its status differs (a missing key
    counts as status "missing"); its INFO (messages, values) only for
    configure's results, whose value is the result. Patterns in known.txt
    may be limited to a policy: "gzip@default:config:*"."""
    nat, oth = load(native_path), load(other_path)
    known = load_known(known_path) if known_path and os.path.exists(known_path) else []
    for key in sorted(set(nat) | set(oth)):
        a = nat.get(key, ("missing", ""))
        b = oth.get(key, ("missing", ""))
        valued = key.startswith(("config:", "cache:"))
        same = a[0] == b[0] and (not valued or a[1] == b[1])
        if same:
            continue
        kid = "-"
        for ident, pats in known:
            for p in pats:
                wl, _, glob_ = p.partition(":")
                wname, _, wpol = wl.partition("@")
                if wname == workload and (not wpol or wpol == policy) and fnmatch.fnmatchcase(key, glob_):
                    kid = ident
                    break
            if kid != "-":
                break
        na = a[0] + (f" {a[1]}" if valued else "")
        nb = b[0] + (f" {b[1]}" if valued else "")
        print(f"{key}\t{na}\t{nb}\t{kid}\t{(b[1] or a[1])[:120]}")


def confirm(diff_path, native2_path, other2_path):
    """The differences of a first comparison, each marked by a second run
    of only what produced them: "again" (the same two results again),
    "once" (not the second time: the upstream test is flaky here), or
    "not-rerun" (a result that has no timing in it, or no way to run it
    alone). Adds that mark as a sixth field."""
    nat2, oth2 = load(native2_path), load(other2_path)
    with open(diff_path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            key = fields[0]
            if key not in nat2 and key not in oth2:
                mark = "not-rerun"
            else:
                a = nat2.get(key, ("missing", ""))[0]
                b = oth2.get(key, ("missing", ""))[0]
                mark = "again" if (a, b) == (fields[1].split(" ")[0], fields[2].split(" ")[0]) else "once"
            print("\t".join(fields[:5] + [mark]))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "junit" and len(argv) == 4:
        out(junit(argv[2], argv[3]))
    elif cmd == "tap" and len(argv) == 3:
        out(tap(argv[2]))
    elif cmd == "automake" and len(argv) == 4:
        out(automake(argv[2], argv[3]))
    elif cmd == "confirm" and len(argv) == 5:
        confirm(argv[2], argv[3], argv[4])
    elif cmd == "compare" and len(argv) == 7:
        compare(argv[2], argv[3], argv[4], argv[5], argv[6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
