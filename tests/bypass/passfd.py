# A TCP socket whose last close waits (SO_LINGER of SECS seconds, data
# queued to a peer that reads nothing), for tests/bypass/passfd.sh.
#   native        closes it itself: "closed in X s"
#   pass SOCKET   passes it to policyd's agent socket with the first half of
#                 a HELLO (policyd holds it), closes its own copy, sends
#                 the rest, then "passed, answered in X s", or "refused
#                 errno=N" when the kernel will not pass it; then waits
#                 SECS + 1 s (the peer stays)
# Usage: passfd.py SECS native | passfd.py SECS pass SOCKET
import array, os, socket, struct, sys, time
secs, mode = int(sys.argv[1]), sys.argv[2]
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
cl = socket.socket(); cl.connect(srv.getsockname())
peer, _ = srv.accept()  # never reads
cl.setblocking(False)
try:
    while True:
        cl.send(b"x" * 65536)
except BlockingIOError:
    pass
cl.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, secs))
if mode == "native":
    t = time.time(); cl.close()
    print("closed in %.1f s" % (time.time() - t), flush=True)
    sys.exit(0)
MAGIC = int(os.environ["TGP_MAGIC"])  # tests/tgp_version.sh
hello = struct.pack("<IHHII", MAGIC, 1, 0, 1, 0)
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[3])
try:
    s.sendmsg([hello[:8]], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [cl.fileno()]))])
except OSError as e:
    print("refused errno=%d" % e.errno, flush=True)
    os._exit(0)  # no lingering close on the way out (an exiting one is not)
time.sleep(0.5)  # policyd holds it now: the close below is not the last
cl.close()
t = time.time()
s.sendall(hello[8:])
s.recv(1 << 20)
print("passed, answered in %.1f s" % (time.time() - t), flush=True)
time.sleep(secs + 1)
os._exit(0)
