/* The streaming inputs (kg_loader_fd on a file, with and without its size, and on a pipe written in
 * small pieces; kg_loader_file) give the same documents, errors and lines, and the same as
 * kg_loader_buffer where no size limit is hit, whatever the block boundaries, line breaks,
 * byte order marks and document sizes. */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "loader_util.h"

static struct lu_result want;

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* A YAML stream from seed: documents of very different sizes (some over 64 KiB, so markers fall
 * anywhere relative to the read blocks), LF / CRLF / CR breaks, NEL / LS / PS inside scalars,
 * comments, directives, a BOM, a broken document now and then. */
static void gen(uint32_t seed, struct kg_buf *b)
{
	static const char *const brk[] = { "\n", "\r\n", "\n", "\n" };
	static const size_t sizes[] = { 1, 20, 300, 2000, 40000, 70000, 140000 };
	uint32_t s = seed;
	kg_buf_reset(b);
	if (rnd(&s) % 5 == 0)
		(void)kg_buf_add(b, "\xEF\xBB\xBF", 3);
	unsigned ndocs = 1 + rnd(&s) % 6;
	const char *nl = brk[rnd(&s) % 4];
	for (unsigned d = 0; d < ndocs; d++) {
		if (d || rnd(&s) % 2) {
			if (rnd(&s) % 7 == 0)
				(void)kg_buf_printf(b, "%%YAML 1.1%s# c%s", nl, nl);
			(void)kg_buf_printf(b, "---%s", rnd(&s) % 3 ? nl : " # x\n");
		}
		size_t want_size = sizes[rnd(&s) % 7], start = b->len;
		unsigned k = 0;
		(void)kg_buf_printf(b, "kind: ConfigMap%smetadata:%s  name: d%u%sdata:%s", nl, nl, d, nl, nl);
		while (b->len - start < want_size) {
			switch (rnd(&s) % 9) {
			case 0: (void)kg_buf_printf(b, "  n%u: \"a\xC2\x85" "b\xE2\x80\xA8" "c\"%s", k, nl); break;
			case 1: (void)kg_buf_printf(b, "# --- not a marker%s", nl); break;
			case 2: (void)kg_buf_printf(b, "  r%u: \"x\ry\"%s", k, nl); break;
			case 3: (void)kg_buf_printf(b, "  m%u: |%s    ---%s    line%s", k, nl, nl, nl); break;
			default: (void)kg_buf_printf(b, "  k%u: v%u-%u%s", k, d, k, nl); break;
			}
			k++;
		}
		if (rnd(&s) % 11 == 0)
			(void)kg_buf_printf(b, "  bad: [x%s", nl);
	}
	if (rnd(&s) % 4 == 0)
		(void)kg_buf_printf(b, "---"); /* a marker at the very end */
}

static void check_same(const char *what, uint32_t seed)
{
	int bad = lu.rc != want.rc || lu.ndocs != want.ndocs || lu.nerrs != want.nerrs || lu.ndups != want.ndups;
	for (int i = 0; !bad && i < lu.ndocs && i < LU_MAX; i++)
		bad = strcmp(lu.docs[i], want.docs[i]) || lu.doc_line[i] != want.doc_line[i] ||
		      lu.doc_index[i] != want.doc_index[i];
	for (int i = 0; !bad && i < lu.nerrs && i < LU_MAX; i++)
		bad = strcmp(lu.errs[i], want.errs[i]) != 0;
	for (int i = 0; !bad && i < lu.ndups && i < LU_MAX; i++)
		bad = strcmp(lu.dups[i], want.dups[i]) != 0;
	if (bad) {
		fprintf(stderr, "  %s differs for seed %u: rc %d/%d docs %d/%d errs %d/%d (%s / %s)\n", what, seed, lu.rc,
			want.rc, lu.ndocs, want.ndocs, lu.nerrs, want.nerrs, lu.nerrs ? lu.errs[0] : "-",
			want.nerrs ? want.errs[0] : "-");
		kg_test_failed++;
	}
}

static int via_file(const struct kg_buf *b, const struct kg_load_limits *lim, int mode)
{
	lu_reset();
	FILE *fp = tmpfile();
	if (!fp || (b->len && fwrite(b->data, 1, b->len, fp) != b->len) || fflush(fp))
		return -100;
	rewind(fp);
	struct kg_loader *L = kg_loader_new(lim);
	long long size = mode == 0 ? (long long)b->len : mode == 1 ? -1 : (long long)b->len + 1;
	if (mode == 3)
		lu.rc = kg_loader_file(L, "t", fp, &lu_sink);
	else
		lu.rc = kg_loader_fd(L, "t", fileno(fp), size, &lu_sink);
	kg_loader_free(L);
	fclose(fp);
	return lu.rc;
}

/* Through a pipe written by a child in pieces of `piece` bytes: reads come back short. */
static int via_pipe(const struct kg_buf *b, const struct kg_load_limits *lim, size_t piece)
{
	lu_reset();
	int p[2];
	if (pipe(p))
		return -100;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (size_t o = 0; o < b->len;) {
			size_t n = b->len - o < piece ? b->len - o : piece;
			ssize_t w = write(p[1], b->data + o, n);
			if (w <= 0)
				_exit(1);
			o += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	struct kg_loader *L = kg_loader_new(lim);
	lu.rc = kg_loader_fd(L, "t", p[0], -1, &lu_sink);
	kg_loader_free(L);
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return lu.rc;
}

static void run_seeds(uint32_t from, uint32_t to, size_t max_doc)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	if (max_doc)
		lim.max_doc_bytes = max_doc;
	for (uint32_t seed = from; seed < to; seed++) {
		gen(seed, &b);
		via_file(&b, &lim, 3); /* kg_loader_file: the reference for the streaming paths */
		want = lu;
		bool within = true;
		for (int i = 0; i < lu.nerrs; i++)
			within &= strstr(lu.errs[i], "larger than") == NULL;
		if (within) {
			lu_load_lim(b.data, b.len, &lim);
			check_same("kg_loader_buffer", seed);
		}
		for (int mode = 0; mode < 3; mode++) {
			via_file(&b, &lim, mode);
			check_same(mode == 0 ? "kg_loader_fd" : mode == 1 ? "kg_loader_fd (no size)" : "kg_loader_fd (size + 1)", seed);
		}
		via_pipe(&b, &lim, 1 + seed * 977 % 9000);
		check_same("kg_loader_fd (pipe)", seed);
	}
	kg_buf_release(&b);
}

TEST(streams_match_default_limits)
{
	run_seeds(1, 60, 0);
}

TEST(streams_match_small_limits)
{
	/* documents over the cap are skipped at the same line whichever way the input is read */
	run_seeds(200, 230, 100);
	run_seeds(300, 330, 5000);
	run_seeds(400, 430, 100000);
}

TEST(json_and_utf16_whole_input)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	(void)kg_buf_adds(&b, "{\"kind\": \"ConfigMap\", \"data\": {");
	for (int i = 0; i < 20000; i++)
		(void)kg_buf_printf(&b, "%s\"k%d\": \"v\"", i ? ", " : "", i);
	(void)kg_buf_adds(&b, "}}\n{\"kind\": \"Pod\"}");
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	for (int round = 0; round < 2; round++) {
		via_file(&b, &lim, 3);
		want = lu;
		CHECK_INT(want.ndocs, round ? 0 : 2);
		CHECK_INT(want.nerrs, round ? 1 : 0);
		for (int mode = 0; mode < 3; mode++) {
			via_file(&b, &lim, mode);
			check_same("json", (uint32_t)mode);
		}
		via_pipe(&b, &lim, 1000);
		check_same("json pipe", 0);
		lim.max_doc_bytes = 100000; /* round 2: the input is over the cap */
	}
	CHECK_STR(want.errs[0], "t:1:1: input larger than the document size limit");
	/* UTF-16 with its BOM: converted whole */
	kg_buf_reset(&b);
	(void)kg_buf_add(&b, "\xFF\xFE", 2);
	const char *y = "kind: Pod\nmetadata:\n  name: u\n---\nkind: X\n";
	for (const char *p = y; *p; p++)
		(void)kg_buf_add(&b, (char[2]){ *p, 0 }, 2);
	kg_load_limits_default(&lim);
	via_file(&b, &lim, 3);
	want = lu;
	CHECK_INT(want.ndocs, 2);
	via_file(&b, &lim, 0);
	check_same("utf16", 0);
	via_pipe(&b, &lim, 3);
	check_same("utf16 pipe", 0);
	kg_buf_release(&b);
}

TEST(read_error_and_empty)
{
	struct kg_loader *L = kg_loader_new(NULL);
	lu_reset();
	CHECK_INT(kg_loader_fd(L, "d", -1, -1, &lu_sink), 1);
	CHECK_STR(lu.errs[0], "d:0:0: cannot read: Bad file descriptor");
	kg_loader_free(L);
	struct kg_buf b;
	kg_buf_init(&b, 0);
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	CHECK_INT(via_file(&b, &lim, 0), 0);
	CHECK_INT(lu.ndocs + lu.nerrs, 0);
	CHECK_INT(via_pipe(&b, &lim, 1), 0);
	CHECK_INT(lu.ndocs + lu.nerrs, 0);
	kg_buf_release(&b);
}

/* A marker right at the end of a read block, its first bytes in one block and the rest in the
 * next: the splitter looks at that line break again, and the lines still add up. */
TEST(markers_at_block_edges)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	for (int crlf = 0; crlf < 2; crlf++) {
		const char *nl = crlf ? "\r\n" : "\n";
		for (size_t at = 65536 - 6; at <= 65536 + 2; at++) {
			kg_buf_reset(&b);
			(void)kg_buf_printf(&b, "kind: A%sdata:%s", nl, nl);
			for (unsigned k = 0; b.len < at - 40; k++)
				(void)kg_buf_printf(&b, "  k%u: v%s", k, nl);
			(void)kg_buf_adds(&b, "#");
			while (b.len < at - strlen(nl))
				(void)kg_buf_addc(&b, 'x');
			(void)kg_buf_printf(&b, "%s---%skind: B%s---%skind: C%sbad: [x%s", nl, nl, nl, nl, nl, nl);
			lu_load_lim(b.data, b.len, &lim);
			want = lu;
			CHECK_INT(want.ndocs, 2);
			CHECK_INT(want.nerrs, 1);
			for (int mode = 0; mode < 4; mode++) {
				via_file(&b, &lim, mode);
				check_same("block edge", (uint32_t)(at * 2 + (size_t)crlf));
			}
		}
	}
	kg_buf_release(&b);
}

/* A document larger than the small-input buffer moves the kept data into the huge-page mapping
 * (source.c map_chunk) mid-stream: documents, errors and lines stay those of kg_loader_buffer. */
TEST(large_document_moves_buffer)
{
	struct kg_buf b;
	kg_buf_init(&b, 0);
	struct kg_load_limits lim;
	kg_load_limits_default(&lim);
	(void)kg_buf_adds(&b, "kind: A\n---\nkind: B\ndata:\n");
	for (unsigned k = 0; b.len < 900000; k++)
		(void)kg_buf_printf(&b, "  k%u: v%u\n", k, k);
	(void)kg_buf_adds(&b, "---\nkind: C\nbad: [x\n---\nkind: D\n");
	lu_load_lim(b.data, b.len, &lim);
	want = lu;
	CHECK_INT(want.ndocs, 3);
	CHECK_INT(want.nerrs, 1);
	for (int mode = 0; mode < 4; mode++) {
		via_file(&b, &lim, mode);
		check_same("large document", (uint32_t)mode);
	}
	via_pipe(&b, &lim, 7000);
	check_same("large document pipe", 0);
	kg_buf_release(&b);
}
