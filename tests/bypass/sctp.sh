# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): SCTP. An SCTP association is made by a
# setsockopt (sctp_connectx) and a send can name destinations in control
# messages: no connect rule sees either. static_sctp associates with a
# listener on 127.0.0.2 (denied by the backstop policy) natively (a counted
# skip on a kernel without SCTP); in a session the socket is refused (rule
# raw-sockets, audited) unless settings.raw_sockets: allow.
echo "== bypass suite (SCTP: associations made without connect)"
SCT=$TOP/sctp
mkdir -p "$SCT"
. "$(dirname "$0")/sessrefuse.sh"
for sct_mode in stream seqpacket; do
	sr_attack "SCTP $sct_mode" static_sctp "$sct_mode" connected "does not associate" "$SCT/run" \
		'"SCTP socket (family 2, protocol [0-9]*)" (rule raw-sockets)' raw-sockets \
		"socket refused in a session (rule raw-sockets, audited)" "no SCTP in this kernel"
done
sr_stop "$SCT/run"
