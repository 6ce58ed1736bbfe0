# The tiergate protocol's version as common/tg_proto.h gives it (TGPV) and
# its magic (TGP_MAGIC, exported), for the tests' own clients and
# stand-in policyds: a version bump needs no test edited. Sourced.
TGPV=$(sed -n 's/^#define TGP_VERSION \([0-9]\)$/\1/p' \
	"$(dirname "${BASH_SOURCE[0]}")/../common/tg_proto.h")
if [ -z "$TGPV" ]; then
	echo "tests: no TGP_VERSION in common/tg_proto.h" >&2
	exit 1
fi
export TGP_MAGIC=$((0x00504754 | (48 + TGPV) << 24))
