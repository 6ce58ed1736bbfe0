#!/usr/bin/env python3
# A terminal for watchterm.sh: runs PROG ARGS... on a pseudo-terminal of
# its own (an operator's `policyctl watch`, or a plain program holding a
# terminal), writes the terminal's name to PTSFILE, everything shown on it
# to SCREEN, and types what the operator would: for each REGEX TEXT pair,
# in order, it waits until the screen (past the previous match) matches
# REGEX and types TEXT and a newline (a REGEX "@file:PATH" waits for PATH
# to exist instead). Ends after SECONDS, or when the
# program does, or when STOPFILE exists (the program gets "q" typed, then
# SIGTERM).
# Usage: watch_pty.py SCREEN PTSFILE STOPFILE SECONDS -- PROG ARGS... [-- REGEX TEXT ...]
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import time

TIOCGPTN = 0x80045430


def main():
    screen, ptsfile, stopfile, secs = sys.argv[1:5]
    rest = sys.argv[6:]
    cut = rest.index("--") if "--" in rest else len(rest)
    prog, pairs = rest[:cut], rest[cut + 1:]
    steps = [(re.compile(pairs[i].encode()), pairs[i + 1].encode())
             for i in range(0, len(pairs) - 1, 2)]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(prog[0], prog)
    with open(ptsfile, "w") as f:
        n = struct.unpack("I", fcntl.ioctl(fd, TIOCGPTN, b"\0" * 4))[0]
        f.write("/dev/pts/%d\n" % n)
    seen, at = b"", 0
    end = time.time() + float(secs)
    with open(screen, "wb") as log:
        while time.time() < end and not os.path.exists(stopfile):
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    d = os.read(fd, 65536)
                except OSError:
                    break
                if not d:
                    break
                seen += d
                log.write(d)
                log.flush()
            while steps:
                pat = steps[0][0].pattern
                if pat.startswith(b"@file:"):
                    if not os.path.exists(pat[6:]):
                        break
                else:
                    m = steps[0][0].search(seen, at)
                    if not m:
                        break
                    at = m.end()
                os.write(fd, steps[0][1] + b"\n")
                steps.pop(0)
        try:
            os.write(fd, b"q\n")
            time.sleep(0.3)
            while select.select([fd], [], [], 0.1)[0]:
                d = os.read(fd, 65536)
                if not d:
                    break
                log.write(d)
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


main()
