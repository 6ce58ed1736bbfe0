/* Attack: load BPF (maps, programs) from inside a session, e.g. to detach
 * or blind the egress programs. Creates an array map. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd >= 0) {
		printf("bpf: map created\n");
		return 0;
	}
	printf("bpf: refused errno=%d\n", errno);
	return 1;
}
