/* The RUN script splitter (src/dockerfile/df_shell.c). */
#include <stdio.h>
#include <string.h>

#include "dockerfile/df_shell.h"
#include "harness.h"

static struct kg_arena arena;

__attribute__((constructor)) static void setup(void)
{
	kg_arena_init(&arena, 4096);
}

static struct kg_sh sh;

static void parse(const char *s)
{
	kg_arena_reset(&arena);
	kg_sh_parse(&arena, s, strlen(s), &sh);
}

/* "name a b" of command i through its view, or "-" */
static const char *cmd(unsigned i)
{
	static char out[256];
	struct kg_sh_view v;
	if (i >= sh.n || !kg_sh_view(&sh.cmds[i], &v))
		return "-";
	snprintf(out, sizeof(out), "%s", v.name);
	for (unsigned k = 0; k < v.nargs; k++) {
		size_t l = strlen(out);
		snprintf(out + l, sizeof(out) - l, " %s", v.args[k].s);
	}
	return out;
}

TEST(lists_and_pipes)
{
	parse("apt-get update && apt-get install -y 'a b' \"c$X\" || true; curl -fsSL x | sudo -E bash -s -- --y");
	CHECK_INT(sh.n, 5);
	CHECK_STR(cmd(0), "apt-get update");
	CHECK_STR(cmd(1), "apt-get install -y a b c$X");
	CHECK_STR(cmd(2), "true");
	CHECK_STR(cmd(3), "curl -fsSL x");
	CHECK_STR(cmd(4), "bash -s -- --y");
	CHECK(sh.has_pipe);
	CHECK_INT(sh.cmds[3].pipe_to, 4);
	CHECK(sh.cmds[4].pipe_in);
	struct kg_sh_view v;
	CHECK(kg_sh_view(&sh.cmds[4], &v) && v.via_sudo);
	CHECK_INT(sh.cmds[1].off, 18);
	CHECK(sh.cmds[1].w[4].flags & KG_SH_QUOTED);
	CHECK(sh.cmds[1].w[4].flags & KG_SH_EXPANDS);
}

TEST(nested_and_reserved)
{
	parse("if [ -f x ]; then VER=$(cat v | tr -d x) pip install a==$VER; fi\n"
	      "for p in a b; do npm i $p; done\ncase $(uname -m) in x86_64) A=1;; *) A=2;; esac\n"
	      "bash <(curl -s u) && sh -c \"$(wget -qO- u)\" 2>/dev/null > out");
	const char *want[] = { "[ -f x ]", "pip install a==$VER", "cat v", "tr -d x", "npm i $p", "uname -m",
			       "bash <(curl -s u)", "curl -s u", "sh -c $(wget -qO- u)", "wget -qO- u" };
	unsigned k = 0;
	for (unsigned i = 0; i < sh.n && k < 10; i++)
		if (strcmp(cmd(i), "-"))
			CHECK_STR(cmd(i), want[k++]);
	CHECK_INT(k, 10);
	/* $(...) commands know the command whose word holds them */
	for (unsigned i = 0; i < sh.n; i++) {
		struct kg_sh_view v;
		if (kg_sh_view(&sh.cmds[i], &v) && !strcmp(v.name, "curl")) {
			struct kg_sh_view p;
			CHECK(sh.cmds[i].parent >= 0 && kg_sh_view(&sh.cmds[sh.cmds[i].parent], &p) && !strcmp(p.name, "bash"));
		}
	}
	CHECK_INT(sh.cmds[1].nassign, 1);
	CHECK_STR(sh.cmds[1].assign[0].s, "VER=$(cat v | tr -d x)");
}

TEST(heredoc_in_script_and_comments)
{
	parse("cat <<EOF > /etc/x\napt-get install nope\nEOF\n# apt-get install comment\necho done \\\n  again");
	CHECK_STR(cmd(0), "cat");
	CHECK_STR(cmd(1), "echo done again");
	CHECK_INT(sh.n, 2);
}

TEST(wrappers_and_flags)
{
	parse("env -u X DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get -qq -t bullseye install --no-install-recommends curl=1 git");
	struct kg_sh_view v;
	CHECK(kg_sh_view(&sh.cmds[0], &v));
	CHECK_STR(v.name, "apt-get");
	CHECK(kg_sh_has_flag(&v, "q"));
	CHECK_INT(kg_sh_count_flag(&v, "q"), 2);
	CHECK(kg_sh_has_flag(&v, "no-install-recommends"));
	CHECK(!kg_sh_has_flag(&v, "y"));
	static const char *const takes[] = { "t", NULL };
	const struct kg_sh_word *ops[8];
	unsigned n = kg_sh_operands(&v, takes, ops, 8);
	CHECK_INT(n, 3);
	CHECK_STR(ops[0]->s, "install");
	CHECK_STR(ops[1]->s, "curl=1");
	CHECK_STR(ops[2]->s, "git");
	parse("A=1 B=2");
	CHECK_INT(sh.n, 1);
	CHECK(!kg_sh_view(&sh.cmds[0], &v));
}

TEST(hostile_input_is_bounded)
{
	char deep[6000];
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "$(");
	deep[n] = '\0';
	parse(deep);
	CHECK(sh.truncated);
	parse("echo 'unterminated \"quote");
	CHECK_STR(cmd(0), "echo unterminated \"quote");
}
