# The session's command for tests/bypass/names_report_ns.sh: it reports
# to policyd, as the interposer does after a lookup, that HOST resolved
# to LIE (a NAMES message on the agent socket), writes "reported TYPE" (the
# reply's type: 11, NAMES_OK) to OUT.report, and waits for GO. Then it
# connects to LIE:PORT and to HOST:PORT itself, writes both results to OUT
# ("lie connected" or "lie errno=N", "host ...") and waits for DONE.
# Usage: names_report.py SOCKET HOST LIE PORT GO DONE OUT
import ipaddress, os, socket, struct, sys, time
sock, host, lie, port, go, done, out = sys.argv[1:8]
MAGIC = int(os.environ["TGP_MAGIC"])  # tests/tgp_version.sh
a = ipaddress.ip_address(lie)
a16 = a.packed if a.version == 6 else b"\0" * 10 + b"\xff\xff" + a.packed
fields = [(8, host.encode()), (34, a16)]  # HOST (8), ADDRS (34)
body = b"".join(struct.pack("<HHI", t, 0, len(v)) + v for t, v in fields)
def put(f, text):
    open(f + ".tmp", "w").write(text)
    os.rename(f + ".tmp", f)
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
s.sendall(struct.pack("<IHHII", MAGIC, 10, len(fields), 1, len(body)) + body)
r = s.recv(64)
put(out + ".report", "reported %s\n" % (struct.unpack("<IHHII", r[:16])[1] if len(r) >= 16 else "nothing"))
def wait_file(f):
    end = time.time() + 60
    while not os.path.exists(f) and time.time() < end:
        time.sleep(0.05)
wait_file(go)
res = []
for what, dst in (("lie", lie), ("host", host)):
    try:
        socket.create_connection((dst, int(port)), timeout=5).close()
        res.append(what + " connected")
    except OSError as e:
        res.append("%s errno=%s" % (what, e.errno))
put(out, "\n".join(res) + "\n")
wait_file(done)
