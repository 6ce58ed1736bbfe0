/* Attack (static): connect to a loopback port. Listens on an ephemeral
 * port of 127.0.0.2 itself, then connects to it with a raw connect.
 * Prints "connected" when the connection is accepted. */
#include "loopconn.h"

int main(void)
{
	return loop_connect("127.0.0.2", 0);
}
