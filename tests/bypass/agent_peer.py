# The session's command: it starts P, which connects to policyd's agent
# socket, forks C and exits (its pid written to PIDFILE). C keeps the
# connection and, once GO exists, asks policyd for a new session on it
# (SESSION_NEW, as agent-shell does outside sessions), then writes what
# came back to OUT: "reply TYPE" (6 SESSION_OK, 7 ERROR; "session ID"
# after it for a session: "sN-PID", PID its root) or "closed".
# The command waits for that without forking again, so that no pid of the
# session's is taken meanwhile.
# Usage: agent_peer.py SOCKET PIDFILE GO POLICY OUT
import os, socket, struct, sys, time
sock, pidfile, go, policy, out = sys.argv[1:6]
MAGIC = int(os.environ["TGP_MAGIC"])  # tests/tgp_version.sh
def msg(mtype, fields, mid=1):
    body = b"".join(struct.pack("<HHI", t, 0, len(v)) + v for t, v in fields)
    return struct.pack("<IHHII", MAGIC, mtype, len(fields), mid, len(body)) + body
def wait_file(f, secs):
    end = time.time() + secs
    while not os.path.exists(f) and time.time() < end:
        time.sleep(0.02)
p = os.fork()
if p == 0:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    if os.fork() == 0:
        wait_file(go, 30)
        what = "closed"
        try:  # NAME (20), POLICY (21), FLAGS (24)
            s.sendall(msg(5, [(20, b"stolen"), (21, policy.encode()),
                              (24, struct.pack("<I", 0))]))
            s.settimeout(10)
            r = s.recv(65536)
            if len(r) >= 16:
                what = "reply %d" % struct.unpack("<IHHII", r[:16])[1]
                off = 16
                while off + 8 <= len(r):  # the session's id (SESSION, 15)
                    tag, _, n = struct.unpack("<HHI", r[off:off + 8])
                    if tag == 15:
                        what += " session " + r[off + 8:off + 8 + n].decode()
                    off += 8 + n
        except (BrokenPipeError, ConnectionResetError):
            pass
        except socket.timeout:
            what = "no answer"
        open(out + ".tmp", "w").write(what + "\n")
        os.rename(out + ".tmp", out)
        os._exit(0)
    open(pidfile + ".tmp", "w").write(str(os.getpid()))
    os.rename(pidfile + ".tmp", pidfile)
    os._exit(0)
os.waitpid(p, 0)
wait_file(out, 40)
