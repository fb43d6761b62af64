/* The GitHub Actions writer: one workflow command per finding, error and note, levels as SARIF's,
 * and nothing from the input able to end a command line early or reach the log raw. */
#include "harness.h"
#include "writers_util.h"

/* Number of lines of s, and whether every one is a workflow command. */
static int command_lines(const char *s, bool *all_commands)
{
	int n = 0;
	*all_commands = true;
	for (const char *p = s; p && *p;) {
		if (strncmp(p, "::", 2) != 0)
			*all_commands = false;
		const char *nl = strchr(p, '\n');
		n++;
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

TEST(github_levels_and_locations)
{
	struct kg_report r;
	kg_report_init(&r);
	add(&r, mk("pss.privileged", KG_SEV_HIGH, "k8s/a.yaml", 7, 9, "Pod", "shop", "web",
		   "spec.containers[0].securityContext.privileged", "privileged: container must not be"));
	add(&r, mk("pss.runAsNonRoot", KG_SEV_MEDIUM, "k8s/a.yaml", 8, 3, "Pod", "shop", "web", NULL, "runAsNonRoot"));
	add(&r, mk("workload.cpu-limits", KG_SEV_LOW, "k8s/a.yaml", 9, 0, "Pod", NULL, "web", NULL, "no CPU limit"));
	add(&r, mk("image.latest-tag", KG_SEV_CRITICAL, "<stdin>", 3, 1, NULL, NULL, NULL, NULL, "latest"));
	add(&r, mk("x.info", KG_SEV_INFO, "k8s/b.yaml", 0, 0, NULL, NULL, NULL, NULL, "fyi"));
	char *s = render(KG_FMT_GITHUB, &r, false, false);
	CHECK(s != NULL);
	CHECK(s && strstr(s, "::error file=k8s/a.yaml,line=7,col=9,title=pss.privileged (high)::privileged: container "
			     "must not be%0APod shop/web, at spec.containers[0].securityContext.privileged\n"));
	CHECK(s && strstr(s, "::warning file=k8s/a.yaml,line=8,col=3,title=pss.runAsNonRoot (medium)::runAsNonRoot%0APod shop/web\n"));
	CHECK(s && strstr(s, "::notice file=k8s/a.yaml,line=9,title=workload.cpu-limits (low)::no CPU limit%0APod web\n"));
	/* standard input is no file of the repository: no file property */
	CHECK(s && strstr(s, "::error title=image.latest-tag (critical)::latest\n"));
	CHECK(s && strstr(s, "::notice file=k8s/b.yaml,title=x.info (info)::fyi\n"));
	bool all;
	CHECK_INT(command_lines(s, &all), 5);
	CHECK(all);
	free(s);
	kg_report_release(&r);
}

TEST(github_errors_and_notes)
{
	struct kg_report r;
	kg_report_init(&r);
	add_error(&r, "bad.yaml", 4, 2, "invalid YAML: x");
	add_error(&r, "missing.yaml", 0, 0, "No such file or directory");
	kg_report_note(&r, "charts/web", "a Helm chart: its templates are not scanned");
	char *s = render(KG_FMT_GITHUB, &r, false, false);
	CHECK(s && strstr(s, "::error file=bad.yaml,line=4,col=2,title=kguard%3A input error::invalid YAML: x\n"));
	CHECK(s && strstr(s, "::error file=missing.yaml,title=kguard%3A input error::missing.yaml: No such file or directory\n"));
	CHECK(s && strstr(s, "::notice file=charts/web,title=kguard%3A not scanned::charts/web: a Helm chart: its templates are not scanned\n"));
	bool all;
	CHECK_INT(command_lines(s, &all), 3);
	CHECK(all);
	free(s);
	kg_report_release(&r);
}

/* Text from a manifest cannot start a command of its own (a line break), colour the log (ESC) or
 * break a property (',' ':'); '%' is escaped so the runner's unescaping gives it back. */
TEST(github_escaping)
{
	struct kg_report r;
	kg_report_init(&r);
	struct kg_finding f = mk("pss.privileged", KG_SEV_HIGH, "dir,x/a:b%.yaml", 2, 1, "Pod", NULL, "p",
				 "metadata.annotations.a%b", "line1\n::add-mask::x\r\x1b[31mred 100% \xff\xc3\xa9");
	f.container = "c\nd";
	f.rendered_from = "c/templates/x,y.yaml";
	add(&r, f);
	char *s = render(KG_FMT_GITHUB, &r, false, false);
	CHECK(s && strstr(s, "::error file=dir%2Cx/a%3Ab%25.yaml,line=2,col=1,title=pss.privileged (high)::"
			     "line1%0A::add-mask::x%0D%1B[31mred 100%25 \xef\xbf\xbd\xc3\xa9%0APod p, at "
			     "metadata.annotations.a%25b, container c%0Ad, rendered from c/templates/x,y.yaml\n"));
	bool all;
	CHECK_INT(command_lines(s, &all), 1);
	CHECK(all);
	CHECK(s && !strchr(s, '\x1b') && !strchr(s, '\r'));
	free(s);
	kg_report_release(&r);
}

TEST(github_format_name)
{
	enum kg_format f = KG_FMT_TEXT;
	CHECK_INT(kg_format_parse("github", &f), 0);
	CHECK_INT(f, KG_FMT_GITHUB);
	CHECK_INT(kg_format_parse("GitHub", &f), -1);
}
