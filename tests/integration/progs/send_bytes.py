# Sends N bytes to ADDR:PORT and waits for the peer to close; prints
# "sent N in S s" (S from the connect to the peer's close).
import socket, sys, time
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((addr, port), timeout=120)
t0 = time.monotonic()
buf = b"x" * (1 << 16)
left = n
while left > 0:
    left -= s.send(buf[:min(left, len(buf))])
s.shutdown(socket.SHUT_WR)
s.recv(1)
print("sent %d in %.3f s" % (n, time.monotonic() - t0))
