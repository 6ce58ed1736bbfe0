# The session's command for tests/bypass/agent_peer.sh's second part: once
# GO exists, it starts a child (whose pid it writes to PIDFILE) that waits
# for DONE; the harness has set ns_last_pid so that the child may take a
# pid that just ended. PIDFILE.ready says it waits. Usage: agent_taker.py
# GO PIDFILE DONE
import os, sys, time
go, pidfile, done = sys.argv[1:4]
def wait_file(f, secs):
    end = time.time() + secs
    while not os.path.exists(f) and time.time() < end:
        time.sleep(0.02)
open(pidfile + ".ready", "w").close()
wait_file(go, 60)
c = os.fork()
if c == 0:
    wait_file(done, 90)
    os._exit(0)
open(pidfile + ".tmp", "w").write(str(c))
os.rename(pidfile + ".tmp", pidfile)
os.waitpid(c, 0)
