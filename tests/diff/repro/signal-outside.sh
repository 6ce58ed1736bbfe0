# Signals to processes the session did not start: as root, kill -0 1 (is
# init there?) succeeds; watchdogs, process supervisors and test harnesses
# signal processes they did not start. Landlock's signal scope refuses it
# in a session (and connections to abstract Unix sockets made outside it).
if err=$(kill -0 1 2>&1); then echo "kill -0 1: ok"; else echo "kill -0 1: ${err##*- }"; fi
