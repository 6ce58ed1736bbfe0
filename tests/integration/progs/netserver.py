# Loopback test server: listens on the given ports on 127.0.0.1, counts
# accepted connections per port into COUNTFILE, exits after SECONDS.
import socket, sys, time, select
countfile, seconds, ports = sys.argv[1], float(sys.argv[2]), [int(p) for p in sys.argv[3:]]
socks = []
for p in ports:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p)); s.listen(64); socks.append(s)
counts = {p: 0 for p in ports}
def dump():
    with open(countfile + ".tmp", "w") as f:
        f.write(" ".join("%d=%d" % (p, counts[p]) for p in ports) + "\n")
    import os; os.replace(countfile + ".tmp", countfile)
dump()
end = time.time() + seconds
while time.time() < end:
    r, _, _ = select.select(socks, [], [], 0.2)
    for s in r:
        c, _ = s.accept(); counts[s.getsockname()[1]] += 1; c.close(); dump()
