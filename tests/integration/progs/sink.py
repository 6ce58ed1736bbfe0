# A TCP sink: accepts on ADDR:PORT, reads each connection to its end and
# closes it (so the sender's close-wait measures the transfer). Exits
# after SECONDS. Usage: sink.py ADDR PORT SECONDS
import socket, sys, time, select
addr, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((addr, port)); l.listen(16)
end = time.time() + seconds
while time.time() < end:
    r, _, _ = select.select([l], [], [], 0.2)
    if not r:
        continue
    c, _ = l.accept()
    c.settimeout(60)
    try:
        while c.recv(1 << 16):
            pass
    except OSError:
        pass
    c.close()
