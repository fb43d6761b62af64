/* kube-bench's comparison operators: every vector of
 * ../shared/conformance/kube-bench/compare-op-vectors.tsv (from kube-bench's TestCompareOp), then
 * the Go parsing details the vectors do not cover. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "node/cis.h"

#define VECTORS "../shared/conformance/kube-bench/compare-op-vectors.tsv"

/* Split a TSV line in place into at most n fields; returns the field count. */
static int split_tabs(char *line, char **f, int n)
{
	int k = 0;
	f[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == '\t') {
			*p = '\0';
			f[k++] = p + 1;
		}
	return k;
}

TEST(compare_op_vectors)
{
	FILE *fp = fopen(VECTORS, "r");
	CHECK(fp != NULL);
	if (!fp)
		return;
	char line[4096];
	int vectors = 0, wrong = 0;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#')
			continue;
		char *f[5];
		int n = split_tabs(line, f, 5);
		CHECK_INT(n, 5);
		if (n != 5)
			continue;
		CHECK(!strcmp(f[3], "true") || !strcmp(f[3], "false"));
		bool want = !strcmp(f[3], "true");
		bool got = kg_cis_compare(f[0], f[1], f[2]);
		vectors++;
		if (got != want) {
			fprintf(stderr, "  vector '%s': %s('%s', '%s') = %d, expected %d\n", f[4], f[0], f[1], f[2], got, want);
			wrong++;
		}
	}
	fclose(fp);
	CHECK_INT(vectors, 70); /* all of TestCompareOp's cases */
	CHECK_INT(wrong, 0);
}

TEST(compare_go_details)
{
	/* eq/noteq lower-case only the actual value, and only when it is a boolean */
	CHECK(kg_cis_compare("eq", "TRUE", "true"));
	CHECK(kg_cis_compare("eq", "False", "false"));
	CHECK(!kg_cis_compare("eq", "true", "True"));
	CHECK(!kg_cis_compare("eq", "Yes", "yes"));
	CHECK(kg_cis_compare("noteq", "FALSE", "true"));
	CHECK(!kg_cis_compare("noteq", "FALSE", "false"));
	/* gt/gte/lt/lte: strconv.Atoi after strings.TrimSpace */
	CHECK(kg_cis_compare("gte", " 30\n", "30"));
	CHECK(kg_cis_compare("gt", "+31", "30"));
	CHECK(kg_cis_compare("lt", "-1", "0"));
	CHECK(!kg_cis_compare("gte", "30s", "30"));
	CHECK(!kg_cis_compare("gte", "1_000", "30")); /* no underscores in base 10 */
	CHECK(!kg_cis_compare("gte", "0x20", "30"));
	CHECK(!kg_cis_compare("gt", "99999999999999999999", "1")); /* out of range */
	CHECK(kg_cis_compare("lte", "-9223372036854775808", "0"));
	/* has/nothave are substring tests, case-sensitive */
	CHECK(kg_cis_compare("has", "Node,RBAC", "Node"));
	CHECK(kg_cis_compare("has", "NodeRestriction", "Node"));
	CHECK(kg_cis_compare("nothave", "node,rbac", "Node"));
	/* valid_elements: trailing separators and spaces are dropped, elements trimmed */
	CHECK(kg_cis_compare("valid_elements", "a, b,", "a,b,c"));
	CHECK(kg_cis_compare("valid_elements", " , ", ""));
	CHECK(!kg_cis_compare("valid_elements", "a,,b", "a,b"));
	CHECK(!kg_cis_compare("valid_elements", "A", "a"));
	/* bitmask: ParseInt base 8 without trimming; actual must not add bits */
	CHECK(kg_cis_compare("bitmask", "600", "600"));
	CHECK(kg_cis_compare("bitmask", "400", "600"));
	CHECK(kg_cis_compare("bitmask", "0", "600"));
	CHECK(kg_cis_compare("bitmask", "0600", "600"));
	CHECK(!kg_cis_compare("bitmask", "604", "600"));
	CHECK(!kg_cis_compare("bitmask", "4600", "600")); /* setuid is not "more restrictive" */
	CHECK(!kg_cis_compare("bitmask", "680", "644")); /* 8 is not octal */
	CHECK(!kg_cis_compare("bitmask", " 600", "600"));
	CHECK(kg_cis_compare("bitmask", "700", "700"));
	CHECK(!kg_cis_compare("bitmask", "750", "700"));
	/* regex: RE2-compatible patterns, unanchored; an invalid pattern is false */
	CHECK(kg_cis_compare("regex", "RBAC,Node", "^RBAC"));
	CHECK(kg_cis_compare("regex", "x=10s", "[0-9]+s$"));
	CHECK(!kg_cis_compare("regex", "abc", "^b"));
	CHECK(!kg_cis_compare("regex", "abc", "("));
	/* unknown and NULL */
	CHECK(!kg_cis_compare("EQ", "a", "a"));
	CHECK(!kg_cis_compare(NULL, "a", "a"));
	CHECK(!kg_cis_compare("eq", NULL, "a"));
}
