/* Command lines as pflag reads them, Go durations, shell-like word splitting, and systemd unit
 * and environment files as systemd reads them (src/node/cis_flags.c, cis_systemd.c). */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "node/cis_priv.h"
#include "rules/rule.h"

static struct kg_arena A;

static size_t words(const char *line, struct kg_cis_arg **out)
{
	size_t n = 0, alloc = 0;
	struct kg_diag err;
	struct kg_cis_loc at = { "f", 1, 1, NULL, NULL };
	*out = NULL;
	if (kg_cis_split_words(&A, line, strlen(line), &at, out, &n, &alloc, &err))
		return (size_t)-1;
	return n;
}

static struct kg_cis_flags parse(const char *line)
{
	struct kg_cis_arg *args;
	struct kg_cis_flags f;
	size_t n = words(line, &args);
	kg_cis_flags_parse(&A, args, n, &f);
	return f;
}

static const char *val(const struct kg_cis_flags *f, const char *name)
{
	const struct kg_cis_flag *x = kg_cis_flags_get(f, name);
	return x ? x->value : NULL;
}

TEST(flags_pflag_forms)
{
	kg_arena_init(&A, 4096);
	struct kg_cis_flags f = parse("--a=b --profiling false --audit-log-maxage 30 --anonymous-auth=false "
				      "--bind-address --x=1 -v=2 positional --last");
	CHECK_STR(val(&f, "a"), "b");
	CHECK_STR(val(&f, "profiling"), "true"); /* a boolean flag does not take the next word */
	CHECK(kg_cis_flags_get(&f, "false") == NULL);
	CHECK_STR(val(&f, "audit-log-maxage"), "30");
	CHECK_STR(val(&f, "--anonymous-auth"), "false");
	CHECK_STR(val(&f, "bind-address"), "true"); /* followed by another flag: bare */
	CHECK_STR(val(&f, "x"), "1");
	CHECK(kg_cis_flags_get(&f, "v") == NULL); /* shorthands are not settings we check */
	CHECK_STR(val(&f, "last"), "true");
	CHECK_INT(f.n, 7);
	kg_arena_release(&A);
}

TEST(flags_repeated_and_terminator)
{
	kg_arena_init(&A, 4096);
	struct kg_cis_flags f = parse("--enable-admission-plugins=A,B --profiling=true --enable-admission-plugins C "
				      "--profiling=false --feature-gates=X=true --feature-gates=Y=false -- --token-auth-file=t");
	CHECK_STR(val(&f, "enable-admission-plugins"), "A,B,C"); /* slices add up */
	CHECK_STR(val(&f, "profiling"), "false");                 /* scalars: the last wins */
	CHECK_INT(kg_cis_flags_get(&f, "profiling")->count, 2);
	CHECK_INT(kg_cis_flags_get(&f, "profiling")->at.col, 78);
	CHECK_STR(val(&f, "feature-gates"), "X=true,Y=false");
	CHECK(kg_cis_flags_get(&f, "token-auth-file") == NULL); /* after "--" */
	kg_arena_release(&A);
}

TEST(durations)
{
	CHECK(kg_cis_duration_zero("0"));
	CHECK(kg_cis_duration_zero("0s"));
	CHECK(kg_cis_duration_zero("-0s"));
	CHECK(kg_cis_duration_zero("0h0m0s"));
	CHECK(kg_cis_duration_zero("0.000ms"));
	CHECK(kg_cis_duration_zero("0\xc2\xb5s"));
	CHECK(!kg_cis_duration_zero("5m"));
	CHECK(!kg_cis_duration_zero("0h5m"));
	CHECK(!kg_cis_duration_zero("0.5s"));
	CHECK(!kg_cis_duration_zero(""));
	CHECK(!kg_cis_duration_zero("00"));  /* Go: a lone number other than 0 needs a unit */
	CHECK(!kg_cis_duration_zero("0x"));
	CHECK(!kg_cis_duration_zero("s"));
	CHECK(!kg_cis_duration_zero(".s"));
}

TEST(word_splitting)
{
	kg_arena_init(&A, 4096);
	struct kg_cis_arg *w;
	CHECK_INT(words("  a 'b c' \"d \\\"e\\\"\" f\\ g --x=\"1 2\"", &w), 5);
	CHECK_STR(w[0].text, "a");
	CHECK_INT(w[0].at.col, 3);
	CHECK_STR(w[1].text, "b c");
	CHECK_STR(w[2].text, "d \"e\"");
	CHECK_STR(w[3].text, "f g");
	CHECK_STR(w[4].text, "--x=1 2");
	CHECK_INT(w[4].at.col, 26);
	CHECK_INT(words("''", &w), 1);
	CHECK_STR(w[0].text, "");
	size_t n = 0, alloc = 0;
	struct kg_diag err;
	struct kg_cis_loc at = { "unit.conf", 4, 11, NULL, NULL };
	w = NULL;
	CHECK_INT(kg_cis_split_words(&A, "--a=\"open", 9, &at, &w, &n, &alloc, &err), -1);
	CHECK_STR(err.message, "unterminated double quote");
	CHECK_STR(err.file, "unit.conf");
	CHECK_INT(err.line, 4);
	CHECK_INT(err.col, 15);
	kg_arena_release(&A);
}

static const char kubeadm_dropin[] =
	"# Note: This dropin only works with kubeadm and kubelet v1.11+\n"
	"[Service]\n"
	"Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf "
	"--kubeconfig=/etc/kubernetes/kubelet.conf\"\n"
	"Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\" ROLE=worker\n"
	"EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n"
	"EnvironmentFile=/etc/default/kubelet\n"
	"ExecStart=\n"
	"ExecStart=-/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS \\\n"
	"  $KUBELET_KUBEADM_ARGS $UNSET --node-labels=role=${ROLE} --x=$$HOME\n";

TEST(unit_kubeadm_dropin)
{
	kg_arena_init(&A, 4096);
	struct kg_cis_unit u;
	struct kg_diag err;
	kg_cis_unit_init(&u, &A);
	const char *main_unit = "[Unit]\nExecStart=/bin/false\n[Service]\nExecStart=/usr/bin/kubelet --old\nEnvironment=OLD=1\n";
	CHECK_INT(kg_cis_unit_parse(&u, "kubelet.service", main_unit, strlen(main_unit), &err), 0);
	CHECK_STR(u.exec, "/usr/bin/kubelet --old");
	CHECK_INT(kg_cis_unit_parse(&u, "10-kubeadm.conf", kubeadm_dropin, strlen(kubeadm_dropin), &err), 0);
	CHECK_INT(u.nenv, 4);
	CHECK_STR(u.env[1].name, "KUBELET_KUBECONFIG_ARGS");
	CHECK_INT(u.env[1].at.line, 3);
	CHECK_INT(u.env[1].at.col, 38); /* where the value starts, inside the quotes */
	CHECK_STR(u.env[3].name, "ROLE");
	CHECK_STR(u.env[3].value, "worker");
	CHECK_INT(u.nfiles, 2);
	CHECK(u.files[0].optional);
	CHECK_STR(u.files[0].path, "/var/lib/kubelet/kubeadm-flags.env");
	CHECK(!u.files[1].optional);
	CHECK_INT(u.exec_at.line, 8); /* the continuation belongs to the line it starts on */

	/* the env file overrides Environment= and adds KUBELET_KUBEADM_ARGS */
	struct kg_cis_var *vars = NULL;
	size_t nv = 0, av = 0;
	for (size_t i = 0; i < u.nenv; i++) {
		vars = kg_cis_grow(&A, vars, &av, nv + 1, sizeof(*vars));
		vars[nv++] = u.env[i];
	}
	const char *env = "# kubeadm\nKUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/c.sock --hostname-override=n1\"\n"
			  "ROLE = 'gpu worker'\n; comment\nnot an assignment\n";
	CHECK_INT(kg_cis_envfile_parse(&A, "kubeadm-flags.env", env, strlen(env), &vars, &nv, &av, &err), 0);
	CHECK_STR(kg_cis_var_get(vars, nv, "ROLE")->value, "gpu worker");
	const struct kg_cis_var *ka = kg_cis_var_get(vars, nv, "KUBELET_KUBEADM_ARGS");
	CHECK_INT(ka->at.line, 2);
	CHECK_INT(ka->at.col, 23);

	const char *argv0;
	struct kg_cis_arg *args;
	size_t nargs;
	CHECK_INT(kg_cis_exec_expand(&A, u.exec, &u.exec_at, vars, nv, &argv0, &args, &nargs, &err), 0);
	CHECK_STR(argv0, "/usr/bin/kubelet");
	CHECK_INT(nargs, 7);
	CHECK_STR(args[0].text, "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf");
	CHECK_STR(args[0].at.file, "10-kubeadm.conf");
	CHECK_INT(args[0].at.line, 3);
	CHECK_INT(args[0].at.col, 38);
	CHECK_STR(args[1].text, "--kubeconfig=/etc/kubernetes/kubelet.conf");
	CHECK_INT(args[1].at.col, 100);
	CHECK_STR(args[2].text, "--config=/var/lib/kubelet/config.yaml");
	CHECK_STR(args[4].text, "--hostname-override=n1");
	CHECK_STR(args[4].at.file, "kubeadm-flags.env");
	CHECK_INT(args[4].at.line, 2);
	CHECK_INT(args[4].at.col, 71);
	CHECK_STR(args[5].text, "--node-labels=role=gpu worker"); /* ${VAR} is one word */
	CHECK_STR(args[6].text, "--x=$HOME");
	CHECK_STR(args[6].at.file, "10-kubeadm.conf");
	CHECK_INT(args[6].at.line, 8);

	/* empty assignments reset */
	const char *reset = "[Service]\nEnvironment=\nEnvironmentFile=\nExecStart=\n";
	CHECK_INT(kg_cis_unit_parse(&u, "99-reset.conf", reset, strlen(reset), &err), 0);
	CHECK_INT(u.nenv, 0);
	CHECK_INT(u.nfiles, 0);
	CHECK(u.exec == NULL);
	kg_arena_release(&A);
}

TEST(unit_errors)
{
	kg_arena_init(&A, 4096);
	struct kg_cis_unit u;
	struct kg_diag err;
	kg_cis_unit_init(&u, &A);
	const char *bad = "[Service]\nEnvironment=A=1 --flag\n";
	CHECK_INT(kg_cis_unit_parse(&u, "x.conf", bad, strlen(bad), &err), -1);
	CHECK_STR(err.message, "Environment= expects NAME=VALUE assignments, not '--flag'");
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 17);
	const char *quote = "[Service]\n\nEnvironment=\"A=1\n";
	CHECK_INT(kg_cis_unit_parse(&u, "y.conf", quote, strlen(quote), &err), -1);
	CHECK_STR(err.message, "unterminated double quote");
	CHECK_INT(err.line, 3);
	CHECK_INT(err.col, 13);
	struct kg_cis_var *vars = NULL;
	size_t nv = 0, av = 0;
	const char *env = "A=1\nKUBELET_EXTRA_ARGS='--x=1\n";
	CHECK_INT(kg_cis_envfile_parse(&A, "/etc/default/kubelet", env, strlen(env), &vars, &nv, &av, &err), -1);
	CHECK_STR(err.message, "unterminated single quote in the value of KUBELET_EXTRA_ARGS");
	CHECK_STR(err.file, "/etc/default/kubelet");
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 20);
	kg_arena_release(&A);
}

/* Arbitrary bytes never crash the readers (run under ASan). */
TEST(unit_garbage)
{
	uint32_t x = 2463534242u;
	char buf[512];
	for (int round = 0; round < 3000; round++) {
		kg_arena_init(&A, 4096);
		size_t n = 1 + (size_t)(round % (int)sizeof(buf));
		static const char alphabet[] = "[]=\"'\\$ {}\n\t-ExecStartEnvironmentFileService#;ab0";
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (round & 1) ? alphabet[x % (sizeof(alphabet) - 1)] : (char)(x & 0xff);
		}
		struct kg_cis_unit u;
		struct kg_diag err;
		kg_cis_unit_init(&u, &A);
		(void)kg_cis_unit_parse(&u, "g", buf, n, &err);
		struct kg_cis_var *vars = NULL;
		size_t nv = 0, av = 0;
		(void)kg_cis_envfile_parse(&A, "g", buf, n, &vars, &nv, &av, &err);
		if (u.exec) {
			const char *argv0;
			struct kg_cis_arg *args;
			size_t nargs;
			if (!kg_cis_exec_expand(&A, u.exec, &u.exec_at, vars, nv, &argv0, &args, &nargs, &err)) {
				struct kg_cis_flags f;
				kg_cis_flags_parse(&A, args, nargs, &f);
				CHECK(f.n <= nargs);
			}
		}
		kg_arena_release(&A);
	}
}

/* Every benchmark row but the manual-review ones has a catalog rule, and every cis.* rule a row. */
extern const struct kg_rule kg_node_rules[];
extern const size_t kg_node_nrules;

TEST(catalog_matches_table)
{
	size_t with_rule = 0;
	for (size_t i = 0; i < kg_cis_ncheck(); i++) {
		const struct kg_cis_check *c = kg_cis_check_at(i);
		char id[32];
		snprintf(id, sizeof(id), "cis.%s", kg_cis_check_id(c));
		const struct kg_rule *r = kg_rule_find(id);
		if (kg_cis_check_title(c)) { /* manual review: no rule, a title of its own */
			CHECK(r == NULL);
			continue;
		}
		with_rule++;
		CHECK(r != NULL);
		if (r) {
			CHECK(r->title && *r->title && r->description && *r->description && r->remediation && *r->remediation);
			CHECK(!strncmp(r->references, "https://www.cisecurity.org/", 27));
			if (!kg_cis_check_automated(c))
				CHECK(r->severity <= KG_SEV_MEDIUM); /* Manual checks report at a lower severity */
		}
	}
	CHECK_INT(with_rule, kg_node_nrules);
	CHECK_INT(kg_cis_ncheck(), 97); /* sections 1-4 of cis-1.12: 21 + 30 + 7 + 2 + 7 + 5 + 10 + 14 + 1 */
	for (size_t i = 0; i < kg_node_nrules; i++)
		CHECK(!strncmp(kg_node_rules[i].id, "cis.", 4));
}
