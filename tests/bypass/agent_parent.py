# The session's command for tests/bypass/agent_peer.sh's second part: it
# starts Q, which starts P; P connects to policyd's agent socket (Q alive:
# policyd reads P's parent as Q when it accepts), then Q exits. Once GO
# exists, P says HELLO and writes the session policyd attributes it to
# (HELLO_OK's SESSION field) to OUT, or "none". PIDS gets "P Q".
# Usage: agent_parent.py SOCKET PIDS GO OUT
import os, socket, struct, sys, time
sock, pids, go, out = sys.argv[1:5]
MAGIC = int(os.environ["TGP_MAGIC"])  # tests/tgp_version.sh
def wait_file(f, secs):
    end = time.time() + secs
    while not os.path.exists(f) and time.time() < end:
        time.sleep(0.02)
def put(f, text):
    open(f + ".tmp", "w").write(text)
    os.rename(f + ".tmp", f)
q = os.fork()
if q == 0:
    r, w = os.pipe()
    p = os.fork()
    if p == 0:
        os.close(r)
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        time.sleep(0.3)  # policyd accepts it while Q lives
        os.write(w, b"x")
        wait_file(go, 60)
        what = "none"
        try:
            s.sendall(struct.pack("<IHHII", MAGIC, 1, 0, 1, 0))  # HELLO
            s.settimeout(10)
            r = b""
            while len(r) < 16 or len(r) < 16 + struct.unpack("<IHHII", r[:16])[4]:
                chunk = s.recv(65536)
                if not chunk:
                    break
                r += chunk
            off = 16
            while off + 8 <= len(r):  # SESSION (15)
                tag, _, n = struct.unpack("<HHI", r[off:off + 8])
                if tag == 15:
                    what = r[off + 8:off + 8 + n].decode()
                off += 8 + n
        except OSError as e:
            what = "error %s" % e
        put(out, what + "\n")
        os._exit(0)
    os.close(w)
    os.read(r, 1)
    put(pids, "%d %d" % (p, os.getpid()))
    os._exit(0)
os.waitpid(q, 0)
wait_file(out, 90)
