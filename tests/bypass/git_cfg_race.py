#!/usr/bin/env python3
# git_cfg_race.py MODE: in a work tree whose remote origin is a local bare
# repository and whose .git/config ends in a comment line as long as
#   "\tpush = +refs/heads/topic:refs/heads/main\n"
# (the tail gitcfgrace.sh writes), runs `git push origin topic` (a push of
# topic to topic) and, while git waits on its GIT_TRACE FIFO after its
# exec, turns the comment into that push line: git then reads a forced
# push of topic onto main. MODE:
#   swap  the new config stays (written in place: same inode)
#   undo  once git has read it and waits again (before it starts its
#         transport), the old config is written back in place, mtime set
#         back: the same inode, size and mtime as at the exec
# Prints "pushed" when git says it pushed.
import fcntl, os, subprocess, sys, termios, time, struct

mode = sys.argv[1]
fifo = os.path.abspath("trace.fifo")
cfg = ".git/config"
line = b"\tpush = +refs/heads/topic:refs/heads/main\n"
old = open(cfg, "rb").read()
pad = b"#" + b"x" * (len(line) - 2) + b"\n"
assert old.endswith(pad), "config without its padding comment"
new = old[: -len(pad)] + line
st0 = os.stat(cfg)

if os.path.exists(fifo):
    os.unlink(fifo)
os.mkfifo(fifo)
# reader and writer of the FIFO at once: git's open does not wait, and a
# full pipe holds git at its next trace line until room is made
fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)


def fill():
    for n in (4096, 1):
        try:
            while True:
                os.write(fd, b"." * n)
        except BlockingIOError:
            pass


def queued():
    b = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    return struct.unpack("i", b)[0]


def write_in_place(data):
    with open(cfg, "r+b") as f:
        f.write(data)


fill()
env = dict(os.environ, GIT_TRACE=fifo)
p = subprocess.Popen(["git", "push", "-q", "origin", "topic"], env=env)
time.sleep(0.5)  # decided and exec'd; held at its first trace line
write_in_place(new)
if mode == "undo":
    full = queued()
    os.read(fd, 4096)  # room for git's first line, no more
    t = time.time() + 10
    while queued() <= full - 4096 and time.time() < t and p.poll() is None:
        pass
    fill()  # and none for its next one: run_command, the transport
    time.sleep(0.5)  # git has read its config
    write_in_place(old)
    os.utime(cfg, ns=(st0.st_atime_ns, st0.st_mtime_ns))
# let it go
os.set_blocking(fd, False)
while p.poll() is None:
    try:
        os.read(fd, 65536)
    except BlockingIOError:
        time.sleep(0.01)
os.close(fd)
print("pushed" if p.returncode == 0 else "push failed: %d" % p.returncode)
