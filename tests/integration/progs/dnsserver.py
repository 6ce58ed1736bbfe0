# A test DNS server (UDP, 127.0.0.1): answers A queries from a zone given
# as NAME=ADDR arguments (TTL 300), NXDOMAIN for other names. Writes its
# port to PORTFILE, counts the names asked into PORTFILE.log, exits after
# SECONDS. Usage: dnsserver.py PORTFILE SECONDS NAME=ADDR...
import socket, struct, sys, time
portfile, seconds = sys.argv[1], float(sys.argv[2])
zone = dict(a.split("=", 1) for a in sys.argv[3:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(0.2)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
import os
os.replace(portfile + ".tmp", portfile)
end = time.time() + seconds
while time.time() < end:
    try:
        q, peer = s.recvfrom(4096)
    except socket.timeout:
        continue
    if len(q) < 12:
        continue
    qid, flags, qd = struct.unpack(">HHH", q[:6])
    off, labels = 12, []
    while off < len(q) and q[off]:
        n = q[off]; labels.append(q[off + 1:off + 1 + n].decode(errors="replace")); off += 1 + n
    qtype = struct.unpack(">H", q[off + 1:off + 3])[0]
    question = q[12:off + 5]
    name = ".".join(labels).lower()
    with open(portfile + ".log", "a") as f:
        f.write(name + "\n")
    addr = zone.get(name)
    answers = b""
    if addr and qtype == 1:
        answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + socket.inet_aton(addr)
    rcode = 0 if addr else 3
    hdr = struct.pack(">HHHHHH", qid, 0x8180 | (flags & 0x0100) | rcode, 1, 1 if answers else 0, 0, 0)
    s.sendto(hdr + question + answers, peer)
