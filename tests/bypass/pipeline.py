# A client of policyd's agent socket for tests/bypass/pipeline.sh, speaking
# the protocol itself. DECIDE messages ask about reading /etc/hostname.
#   wait N        N requests, each sent after the answer to the one before
#                 (as every tiergate client does): "answered K"
#   pipe N        N requests sent at once, then answers read until the
#                 connection closes or 5 s pass: "answered K closed|open"
#   flood S C     C connections, each sending a megabyte of requests at a
#                 time and reading what comes back, again, for S seconds
#   victim N      N write-opens of out.txt, 10 ms apart: "p50 X p99 Y" (ms)
# Usage: pipeline.py SOCKET MODE ARGS...
import os, socket, struct, sys, threading, time
sock, mode = sys.argv[1], sys.argv[2]
MAGIC = int(os.environ["TGP_MAGIC"])  # tests/tgp_version.sh
def field(tag, v): return struct.pack("<HHI", tag, 0, len(v)) + v
u32 = lambda x: struct.pack("<I", x)
# KIND open (1: 2), PATH (2), DIRFD (4: AT_FDCWD), ACCESS (6: read)
fields = [field(1, u32(2)), field(2, b"/etc/hostname"),
          field(4, u32(0xffffff9c)), field(6, u32(1))]
body = b"".join(fields)
MSG = struct.pack("<IHHII", MAGIC, 3, len(fields), 1, len(body)) + body
def answers(s, want, secs):
    """whole replies read (at most want) and whether the peer closed"""
    buf, n, end = b"", 0, time.time() + secs
    while n < want and time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            d = s.recv(1 << 16)
        except socket.timeout:
            break
        except OSError:
            return n, True
        if not d:
            return n, True
        buf += d
        while len(buf) >= 16 and len(buf) >= 16 + struct.unpack("<IHHII", buf[:16])[4]:
            buf = buf[16 + struct.unpack("<IHHII", buf[:16])[4]:]
            n += 1
    return n, False
if mode == "wait":
    s = socket.socket(socket.AF_UNIX); s.connect(sock)
    n = 0
    for _ in range(int(sys.argv[3])):
        s.sendall(MSG)
        n += answers(s, 1, 5)[0]
    print("answered %d" % n)
elif mode == "pipe":
    s = socket.socket(socket.AF_UNIX); s.connect(sock)
    want = int(sys.argv[3])
    try:
        s.sendall(MSG * want)
    except OSError:
        pass
    n, closed = answers(s, want, 5)
    print("answered %d %s" % (n, "closed" if closed else "open"))
elif mode == "flood":
    end = time.time() + float(sys.argv[3])
    batch = MSG * ((1 << 20) // len(MSG) - 1)
    def one():
        while time.time() < end:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(sock)
            except OSError:
                time.sleep(0.01); continue
            def drain():
                try:
                    while s.recv(1 << 20): pass
                except OSError: pass
            threading.Thread(target=drain, daemon=True).start()
            try:
                while time.time() < end: s.sendall(batch)
            except OSError:
                pass
            s.close()
    ts = [threading.Thread(target=one, daemon=True) for _ in range(int(sys.argv[4]))]
    [t.start() for t in ts]
    [t.join() for t in ts]
elif mode == "victim":
    lat = []
    for _ in range(int(sys.argv[3])):
        t = time.monotonic()
        fd = os.open("out.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        lat.append((time.monotonic() - t) * 1e3)
        os.close(fd)
        time.sleep(0.01)
    lat.sort()
    print("p50 %.2f p99 %.2f" % (lat[len(lat) // 2], lat[int(len(lat) * 0.99)]))
