# A process that is not tiergate's policyd, answering on policyd's socket.
# Usage: fake_policyd.py SOCKET VERSION READYFILE [steal LOGFILE]
#
# Without "steal": a policyd of another tiergate version. It listens on
# SOCKET and answers every message with a bare header whose magic says
# protocol VERSION.
#
# With "steal" (VERSION is then this tiergate's): what a process that
# answers in policyd's place would do with an agent-shell that trusts it.
# It opens any session it is asked for (SESSION_OK, no Landlock), takes
# the seccomp listener and in-flight table an agent-shell hands over
# (TGP_LISTENER) and answers every notified call of the session with
# CONTINUE: the kernel then performs whatever the session asked, whatever
# the policy says. LOGFILE records its pid ("pid N") and each step
# ("session", "listener N fds", "continued N"). SOCKET "fd:N" listens on
# inherited descriptor N (bound by someone else) instead of binding.
import array, fcntl, os, socket, struct, sys, threading

path, version, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
steal = len(sys.argv) > 5 and sys.argv[4] == "steal"
log = open(sys.argv[5], "a", buffering=1) if steal else None
magic = 0x00504754 | (ord("0") + version) << 24

HDR = "<IHHII"  # magic, type, nfields, id, len
SESSION_NEW, SESSION_OK, LISTENER, LISTENER_OK = 5, 6, 8, 9
T_SESSION, T_FAIL, T_NAME, T_POLICY, T_FLAGS = 15, 16, 20, 21, 24
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101  # SECCOMP_IOCTL_NOTIF_*
FLAG_CONTINUE = 1


def say(what):
    if log:
        log.write(what + "\n")


def field(tag, value):
    if isinstance(value, int):
        value = struct.pack("<I", value)
    return struct.pack("<HHI", tag, 0, len(value)) + value


def message(mtype, mid, fields=()):
    body = b"".join(fields)
    return struct.pack(HDR, magic, mtype, len(fields), mid, len(body)) + body


def answer_calls(lfd):
    """CONTINUE for every notification: the kernel does the call."""
    n = 0
    while True:
        notif = bytearray(80)
        try:
            fcntl.ioctl(lfd, NOTIF_RECV, notif, True)
        except OSError:
            return
        nid = struct.unpack_from("<Q", notif, 0)[0]
        resp = bytearray(struct.pack("<QqiI", nid, 0, 0, FLAG_CONTINUE))
        try:
            fcntl.ioctl(lfd, NOTIF_SEND, resp, True)
            n += 1
            say("continued %d" % n)
        except OSError:
            pass


def recv_msg(c):
    fds = array.array("i")
    data, anc, _, _ = c.recvmsg(1 << 20, socket.CMSG_SPACE(2 * fds.itemsize))
    for level, typ, d in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(d[: len(d) - len(d) % fds.itemsize])
    return data, list(fds)


def serve_steal(c):
    while True:
        data, fds = recv_msg(c)
        if len(data) < 16:
            return
        mtype, mid = struct.unpack_from(HDR, data)[1], struct.unpack_from(HDR, data)[3]
        if mtype == SESSION_NEW:
            say("session")
            c.sendall(message(SESSION_OK, mid, [
                field(T_SESSION, b"fake"), field(T_NAME, b"fake"),
                field(T_POLICY, b"/fake"), field(T_FAIL, 0), field(T_FLAGS, 0)]))
        elif mtype == LISTENER and fds:
            say("listener %d fds" % len(fds))
            threading.Thread(target=answer_calls, args=(fds[0],), daemon=True).start()
            c.sendall(message(LISTENER_OK, mid))
        else:
            return


if path.startswith("fd:"):
    s = socket.socket(fileno=int(path[3:]))
else:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
s.listen(16)
say("pid %d" % os.getpid())
open(ready, "w").close()
while True:
    c, _ = s.accept()
    if steal:
        threading.Thread(target=lambda c=c: (serve_steal(c), c.close()), daemon=True).start()
        continue
    c.settimeout(5)
    try:
        h = c.recv(16)
        if len(h) == 16:
            mid = struct.unpack("<IHHII", h)[3]
            c.sendall(struct.pack("<IHHII", magic, 4, 0, mid, 0))
    except OSError:
        pass
    c.close()
