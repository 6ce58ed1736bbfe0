# File calls whose edge cases the kernel path must answer as the kernel
# does (policyd performs them itself under the backstop). Run in an empty
# directory where everything is allowed; prints what happened.
umask 027
mkdir d; mkdir -m 777 d2; mkdir d 2>&1 | sed 's/^.*: //'
touch f; ln f hard; ln -s ../target sl; ln -s f sl2; ln sl2 hardsl
mv f g; mv g d/; mkfifo fifo
python3 -c 'import os; os.mknod("node", 0o644)'
rmdir d 2>&1 | sed 's/^.*: //'; rm d/g; rmdir d; rm -f nothing; unlink sl
python3 -c 'import os; os.rename("d2", "d3"); os.replace("hard", "node")'
mkdir -p a/b/c; rm -r a
echo hello world > t; ln -s t tl; ln -s nowhere dangling; mkdir e
chmod 600 t; chmod 640 tl; chmod 700 e; chmod 600 dangling 2>&1 | sed 's/^.*: //'
truncate -s 5 t; truncate -s 3 tl; truncate -s 1 e 2>&1 | sed 's/^.*: //'
python3 - <<'PY'
import os
for args in (("t", 2), ("e", 0), ("nothing", 0), ("t", -1), ("fifo", 0)):
    try:
        os.truncate(*args); print("truncate ok", args)
    except OSError as e:
        print("truncate", args, e.errno)
os.chown("t", os.getuid(), os.getgid()); os.lchown("tl", os.getuid(), -1)
fd = os.open("t", os.O_RDONLY); os.fchmod(fd, 0o604)
r, w = os.pipe(); os.fchmod(r, 0o600)
g = os.open("gone", os.O_CREAT | os.O_RDWR, 0o644); os.unlink("gone")
os.fchmod(g, 0o600); print("fchmod of an unlinked file ok")
try:
    os.fchmod(12345, 0o600)
except OSError as e:
    print("fchmod bad fd", e.errno)
PY
python3 - <<'PY'
import os
def tryit(what, f, *a, **kw):
    try:
        f(*a, **kw); print(what, "ok")
    except OSError as e:
        print(what, e.errno)
tryit("setxattr", os.setxattr, "t", "user.k", b"v1")
tryit("setxattr via link", os.setxattr, "tl", "user.k2", b"v2")
tryit("setxattr create of an existing", os.setxattr, "t", "user.k", b"x", os.XATTR_CREATE)
tryit("setxattr long name", os.setxattr, "t", "user." + "n" * 300, b"x")
tryit("setxattr big value", os.setxattr, "t", "user.big", b"x" * 70000)
tryit("setxattr unknown namespace", os.setxattr, "t", "bogus.k", b"x")
tryit("setxattr missing file", os.setxattr, "nothing", "user.k", b"x")
fd = os.open("t", os.O_RDONLY)
tryit("fsetxattr", os.setxattr, fd, "user.f", b"fv")
tryit("fremovexattr missing", os.removexattr, fd, "user.none")
tryit("removexattr", os.removexattr, "t", "user.k2")
tryit("lsetxattr file", os.setxattr, "t", "user.l", b"lv", follow_symlinks=False)
tryit("lsetxattr symlink", os.setxattr, "tl", "user.l", b"lv", follow_symlinks=False)
tryit("lremovexattr file", os.removexattr, "t", "user.l", follow_symlinks=False)
tryit("lremovexattr missing", os.removexattr, "t", "user.none", follow_symlinks=False)
tryit("lremovexattr symlink", os.removexattr, "tl", "user.l", follow_symlinks=False)
print(sorted(os.listxattr("t")), os.getxattr("t", "user.k"), os.getxattr("t", "user.f"))
PY
python3 - <<'PY'
# setxattrat and removexattrat (Linux 6.13; ENOSYS before, both ways): by
# name, on a descriptor (AT_EMPTY_PATH), on the cwd; what the kernel checks
# before it looks at the file comes first
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
L = ctypes.c_long
def xat(what, dfd, path, flags, name, val=b"1", usize=16, xflags=0, extra=b""):
    v = ctypes.create_string_buffer(val)
    a = ctypes.create_string_buffer(struct.pack("<QII", ctypes.addressof(v), len(val), xflags) + extra)
    rc = libc.syscall(L(463), L(dfd), path, L(flags), name, a, ctypes.c_size_t(usize))
    print(what, "ok" if rc == 0 else ctypes.get_errno())
def rxat(what, dfd, path, flags, name):
    rc = libc.syscall(L(466), L(dfd), path, L(flags), name)
    print(what, "ok" if rc == 0 else ctypes.get_errno())
E, NF = 0x1000, 0x100
fd = os.open("t", os.O_RDONLY)
pf = os.open("t", os.O_PATH)
r, w = os.pipe()
xat("setxattrat", -100, b"t", 0, b"user.a1")
xat("setxattrat via link", -100, b"tl", 0, b"user.a2")
xat("setxattrat link itself", -100, b"tl", NF, b"user.a2")
xat("setxattrat fd", fd, b"", E, b"user.a3")
xat("setxattrat fd, NULL name", fd, None, E, b"user.a4")
xat("setxattrat name and AT_EMPTY_PATH", -100, b"tl", E, b"user.a7")
xat("setxattrat O_PATH fd", pf, b"", E, b"user.a8")
xat("setxattrat cwd", -100, b"", E, b"user.a5")
xat("setxattrat pipe", r, b"", E, b"user.p")
xat("setxattrat bad flags", -100, b"t", 0x2, b"user.x")
xat("setxattrat small struct", -100, b"t", 0, b"user.x", usize=8)
xat("setxattrat struct over a page", -100, b"t", 0, b"user.x", usize=8192, extra=bytes(8192))
xat("setxattrat struct with more set", -100, b"t", 0, b"user.x", usize=24, extra=b"\1" + bytes(7))
xat("setxattrat struct with more zero", -100, b"t", 0, b"user.a6", usize=24, extra=bytes(8))
xat("setxattrat bad xattr flags", -100, b"t", 0, b"user.x", xflags=4)
xat("setxattrat create of an existing", -100, b"t", 0, b"user.a1", xflags=1)
xat("setxattrat missing file", -100, b"nothing", 0, b"user.x")
xat("setxattrat empty name", -100, b"t", 0, b"")
rxat("removexattrat", -100, b"t", 0, b"user.a1")
rxat("removexattrat missing", -100, b"t", 0, b"user.a1")
rxat("removexattrat fd", fd, b"", E, b"user.a3")
rxat("removexattrat cwd", -100, b"", E, b"user.a5")
rxat("removexattrat O_PATH fd", pf, b"", E, b"user.a4")
rxat("removexattrat bad flags", -100, b"t", 0x4, b"user.a4")
print(sorted(x for x in os.listxattr("t") if x.startswith("user.a")),
      sorted(x for x in os.listxattr(".") if x.startswith("user.a")))
PY
# timestamps (decided as writes of the file, done by the kernel); only
# times set explicitly are printed
touch -d @1000000000 t; touch -h -d @1100000000 tl; touch -d @1200000000 dangling
touch -c nothing; touch -a -d @1300000000 e; touch -d @1400000000 fifo
python3 - <<'PY'
import os
def tryit(what, f, *a, **kw):
    try:
        f(*a, **kw); print(what, "ok")
    except OSError as e:
        print(what, e.errno)
tryit("utime explicit", os.utime, "t", (1500000000, 1500000001))
tryit("utime now", os.utime, "e")
tryit("utime missing", os.utime, "nothing", (1, 1))
tryit("utime nofollow", os.utime, "tl", (1600000000, 1600000000), follow_symlinks=False)
open("ft", "w").close()
fd = os.open("ft", os.O_RDONLY)
tryit("futimens", os.utime, fd, (1700000000, 1700000000))
tryit("utime bad ns", os.utime, "t", ns=(0, -5))
r, w = os.pipe()
tryit("futimens pipe", os.utime, r, (1, 1))
# futimesat(fd, NULL, times): the descriptor's file, as futimens
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def futimesat(what, dfd, times):
    tv = (ctypes.c_long * 4)(*times) if times else None
    rc = libc.syscall(261, dfd, None, tv)
    print(what, "ok" if rc == 0 else ctypes.get_errno())
open("fs", "w").close()
fs = os.open("fs", os.O_RDONLY)
futimesat("futimesat fd", fs, (1750000000, 3, 1750000000, 9))
futimesat("futimesat cwd", -100, None)
futimesat("futimesat pipe", r, (1, 0, 1, 0))
# the older calls by path, each with its own times format (policyd sets
# them itself, so its conversion must match the kernel's)
def raw(what, nr, *args):
    rc = libc.syscall(nr, *args)
    print(what, "ok" if rc == 0 else ctypes.get_errno())
tv = lambda *v: (ctypes.c_long * 4)(*v)
open("fu", "w").close()
raw("utimes explicit", 235, b"fu", tv(1760000000, 11, 1760000000, 999999))
raw("utimes bad usec", 235, b"fu", tv(1, 1000000, 1, 0))
raw("utimes negative usec", 235, b"fu", tv(1, -1, 1, 0))
raw("utime explicit", 132, b"fs", (ctypes.c_long * 2)(1770000000, 1770000001))
raw("futimesat path", 261, -100, b"ft", tv(1780000000, 5, 1780000000, 6))
raw("utimes now", 235, b"e", None)
# what the kernel checks before it looks at the file comes first
raw("utimensat bad flags", 280, -100, b"fu", None, 0x8000)
raw("utimes bad usec, missing file", 235, b"nothing", tv(1, 1000000, 1, 0))
raw("utimensat bad nsec, missing file", 280, -100, b"nothing", tv(1, 2000000000, 1, 0), 0)
raw("utimes bad pointer", 235, b"fu", ctypes.c_void_p(8))
# calls on a descriptor's file spelled (fd, "", AT_EMPTY_PATH): policyd
# acts on its own copy of the descriptor
AT_EMPTY_PATH = 0x1000
tf = os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o640); os.write(tf, b"tmp\n")
raw("flink tmpfile", 265, tf, b"", -100, b"fromtmp", AT_EMPTY_PATH)
raw("flink tmpfile again", 265, tf, b"", -100, b"fromtmp2", AT_EMPTY_PATH)
raw("flink onto an existing name", 265, tf, b"", -100, b"fromtmp", AT_EMPTY_PATH)
raw("flink pipe", 265, r, b"", -100, b"frompipe", AT_EMPTY_PATH)
raw("flink bad fd", 265, 99, b"", -100, b"frombad", AT_EMPTY_PATH)
raw("flink file", 265, fs, b"", -100, b"fs-hard", AT_EMPTY_PATH)
os.symlink("fs", "fs-ln")
pl = os.open("fs-ln", os.O_PATH | os.O_NOFOLLOW)
raw("fchownat O_PATH symlink", 260, pl, b"", os.getuid(), os.getgid(), AT_EMPTY_PATH | 0x100)
raw("fchownat file", 260, fs, b"", os.getuid(), os.getgid(), AT_EMPTY_PATH)
raw("fchmodat2 file", 452, fs, b"", 0o604, AT_EMPTY_PATH)
raw("fchownat pipe", 260, r, b"", os.getuid(), os.getgid(), AT_EMPTY_PATH)
raw("utimensat empty path", 280, fs, b"", tv(1790000000, 1, 1790000000, 2), AT_EMPTY_PATH)
raw("utimensat empty path, symlink", 280, pl, b"", tv(1791000000, 0, 1791000000, 0), AT_EMPTY_PATH | 0x100)
# a name given with AT_EMPTY_PATH is a name (the flag only matters for "")
raw("utimensat name and AT_EMPTY_PATH", 280, -100, b"fs-ln", tv(1792000000, 0, 1792000000, 0), AT_EMPTY_PATH)
raw("fchownat name and AT_EMPTY_PATH, link itself", 260, -100, b"fs-ln", os.getuid(), os.getgid(), AT_EMPTY_PATH | 0x100)
raw("linkat name and AT_EMPTY_PATH", 265, -100, b"fs-ln", -100, b"fs-ln-hard", AT_EMPTY_PATH)
print("fs-ln-hard is the link itself", os.path.islink("fs-ln-hard"))
print("fromtmp", os.stat("fromtmp").st_nlink, open("fromtmp").read().strip(),
      "fs-hard", os.stat("fs-hard").st_ino == os.stat("fs").st_ino,
      "fs-ln", os.lstat("fs-ln").st_mtime_ns)
print("fu", os.stat("fu").st_mtime_ns, "fs2", os.stat("fs").st_mtime_ns,
      "ft2", os.stat("ft").st_mtime_ns, "fu atime", os.stat("fu").st_atime_ns)
print("t", os.stat("t").st_mtime_ns, "tl", os.lstat("tl").st_mtime_ns,
      "ft", os.stat("ft").st_mtime_ns, "fs", os.stat("fs").st_mtime_ns,
      "nowhere", os.stat("nowhere").st_mtime_ns)
PY
stat -c '%n %A %h %s %F' * | sort; readlink sl2
stat -c '%n %Y' fifo
