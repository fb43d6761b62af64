/* libFuzzer target: the kubelet's systemd unit/drop-in parser, the environment-file parser, the
 * ExecStart= expansion and the pflag-style flag parser of `kguard node`, on hostile text. The
 * input is used as a unit file and as an environment file; the expanded command line goes through
 * the flag parser. Every error must carry a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "node/cis_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kg_arena a;
	struct kg_diag err;
	const char *text = (const char *)data;
	kg_arena_init(&a, 64 * 1024);

	struct kg_cis_var *vars = NULL;
	size_t nvars = 0, avars = 0;
	if (kg_cis_envfile_parse(&a, "fuzz.env", text, size, &vars, &nvars, &avars, &err) && !err.message[0])
		abort();

	struct kg_cis_unit u;
	kg_cis_unit_init(&u, &a);
	if (kg_cis_unit_parse(&u, "fuzz.conf", text, size, &err)) {
		if (!err.message[0])
			abort();
	} else if (u.exec) {
		const char *argv0 = NULL;
		struct kg_cis_arg *args = NULL;
		size_t nargs = 0;
		if (kg_cis_exec_expand(&a, u.exec, &u.exec_at, u.env, u.nenv, &argv0, &args, &nargs, &err) == 0) {
			struct kg_cis_flags flags;
			kg_cis_flags_parse(&a, args, nargs, &flags);
			for (size_t i = 0; i < flags.n; i++)
				if (!flags.v[i].name || !flags.v[i].value)
					abort();
		} else if (!err.message[0]) {
			abort();
		}
	}
	kg_arena_release(&a);
	return 0;
}
