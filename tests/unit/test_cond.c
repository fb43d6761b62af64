/* The condition language: parsing (precedence, values, errors with positions), compilation
 * (fields, arguments, operators) and evaluation semantics (missing fields, list fields,
 * every operator). */
#include "harness.h"

#include "cond/cond.h"
#include "core/load.h"

struct fixture {
	struct kg_arena arena;
	struct kg_slots slots;
	struct kg_regex_list regexes;
	struct kg_loader *L;
	struct kg_arena ev_arena;
};

static void fx_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	kg_arena_init(&f->arena, 0);
	kg_arena_init(&f->ev_arena, 0);
	f->L = kg_loader_new(NULL);
}

static void fx_release(struct fixture *f)
{
	kg_regex_list_free(&f->regexes);
	free(f->slots.v);
	kg_arena_release(&f->arena);
	kg_arena_release(&f->ev_arena);
	kg_loader_free(f->L);
}

/* -1 compile/parse error (message in err), else the boolean result on the event. */
static int evalc(struct fixture *f, const char *cond, const char *event, struct kg_diag *err)
{
	struct kg_ast *ast;
	if (kg_cond_parse(cond, &f->arena, &ast, err))
		return -1;
	struct kg_cond_cc cc = { &f->arena, &f->slots, &f->regexes, NULL };
	const struct kg_enode *n;
	if (kg_cond_compile(ast, &cc, &n, err))
		return -1;
	const struct kg_node *ev;
	kg_arena_reset(&f->ev_arena);
	if (kg_json_parse(f->L, &f->ev_arena, event, strlen(event), &ev, err))
		return -2;
	struct kg_cond_eval e;
	kg_cond_eval_init(&e, &f->slots);
	struct kg_event_view view = { ev, 0, NULL };
	kg_cond_eval_begin(&e, &view);
	int r = kg_cond_eval(&e, n);
	kg_cond_eval_release(&e);
	return r;
}

static const char EV[] =
	"{\"auditID\":\"x\",\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"requestURI\":\"/api/v1/namespaces/default/pods\","
	"\"user\":{\"username\":\"system:serviceaccount:ns:sa\",\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"]},"
	"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"web-1\"},"
	"\"responseStatus\":{\"code\":201},"
	"\"requestObject\":{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1.25\","
	"\"securityContext\":{\"privileged\":true}},{\"name\":\"b\",\"image\":\"busybox\"}],"
	"\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/etc/kubernetes/pki\"}}]}}}";

TEST(operators_on_strings)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "ka.verb=create", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.verb == create", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.verb!=create", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.user.name startswith \"system:serviceaccount:\"", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.user.name endswith :sa", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.user.name contains account", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.user.name icontains ACCOUNT", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.user.name contains ACCOUNT", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.uri glob '/api/*/namespaces/*/pods'", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.uri iglob '/API/*'", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.uri pmatch (/api/v1, /apis)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.uri pmatch (/api/v)", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.target.name regex 'web-[0-9]+'", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.target.name regex 'web'", EV, &err), 0); /* anchored at both ends */
	CHECK_INT(evalc(&f, "ka.response.code >= 200 and ka.response.code < 300", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.response.code > 201", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.verb in (get, create)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.verb intersects (get, list)", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.verb in ()", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.req.pod.host_network = true", EV, &err), 1);
	fx_release(&f);
}

TEST(missing_fields_make_every_comparison_false)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "ka.target.subresource exists", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.target.subresource != exec", EV, &err), 0);
	CHECK_INT(evalc(&f, "not ka.target.subresource = exec", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.impuser.name in (a, b)", EV, &err), 0);
	CHECK_INT(evalc(&f, "not ka.impuser.name in (a, b)", EV, &err), 1);
	/* a list field with no value (no container has allowPrivilegeEscalation) is missing */
	CHECK_INT(evalc(&f, "ka.req.pod.containers.allow_privilege_escalation exists", EV, &err), 0);
	fx_release(&f);
}

TEST(list_fields_in_and_intersects)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "ka.req.pod.containers.image.repository in (nginx, busybox)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.req.pod.containers.image.repository in (nginx)", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.req.pod.containers.image.repository intersects (nginx)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.req.pod.containers.privileged intersects (true)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.user.groups intersects (system:masters)", EV, &err), 0);
	CHECK_INT(evalc(&f, "ka.req.pod.containers.name[1] in (b)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.req.pod.volumes.hostpath intersects (/etc/kubernetes/pki)", EV, &err), 1);
	/* operators a list field cannot take are load errors */
	CHECK_INT(evalc(&f, "ka.user.groups = system:masters", EV, &err), -1);
	CHECK_STR(err.message, "'=' operator not supported on list field 'ka.user.groups' (use in, intersects or exists)");
	CHECK_INT(err.col, 1);
	fx_release(&f);
}

TEST(precedence_and_parentheses)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	/* not > and > or */
	CHECK_INT(evalc(&f, "ka.verb=get or ka.verb=create and ka.target.resource=pods", EV, &err), 1);
	CHECK_INT(evalc(&f, "(ka.verb=get or ka.verb=create) and ka.target.resource=secrets", EV, &err), 0);
	CHECK_INT(evalc(&f, "not ka.verb=get and ka.verb=create", EV, &err), 1);
	CHECK_INT(evalc(&f, "not not ka.verb=create", EV, &err), 1);
	CHECK_INT(evalc(&f, "not(ka.verb=get)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.verb=create and(ka.target.resource=pods)", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.verb=create\n  and\tka.target.resource=pods", EV, &err), 1);
	fx_release(&f);
}

TEST(quoted_values_and_escapes)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "ka.target.name in (\"web-1\", 'x y')", EV, &err), 1);
	CHECK_INT(evalc(&f, "ka.target.name = \"web\\-1\"", EV, &err), -1);
	CHECK_STR(err.message, "unsupported string escape sequence: \\-");
	CHECK_INT(evalc(&f, "ka.target.name = 'web\\\"1'", EV, &err), -1);
	CHECK_STR(err.message, "invalid \\\" escape in '-quoted string");
	fx_release(&f);
}

TEST(parse_errors_have_positions)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "", EV, &err), -1);
	CHECK_STR(err.message, "filter input string is empty");
	CHECK_INT(evalc(&f, "ka.verb=create and", EV, &err), -1);
	CHECK_STR(err.message, "expected blank or '(' after 'and'");
	CHECK_INT(err.col, 19);
	CHECK_INT(evalc(&f, "ka.verb=create and ", EV, &err), -1);
	CHECK_STR(err.message, "expected a '(' token, a field check, or an identifier");
	CHECK_INT(err.col, 20);
	CHECK_INT(evalc(&f, "ka.verb create", EV, &err), -1);
	CHECK(strstr(err.message, "expected a valid check operator") == err.message);
	CHECK_INT(err.col, 9);
	CHECK_INT(evalc(&f, "(ka.verb=create", EV, &err), -1);
	CHECK_STR(err.message, "expected a ')' token");
	CHECK_INT(evalc(&f, "ka.verb in (a, b", EV, &err), -1);
	CHECK_STR(err.message, "expected a ')' token");
	CHECK_INT(evalc(&f, "ka.verb=create)", EV, &err), -1);
	CHECK_STR(err.message, "unexpected token ')', expecting 'or', 'and'");
	CHECK_INT(err.col, 15);
	CHECK_INT(evalc(&f, "ka.response.code > abc", EV, &err), -1);
	CHECK_STR(err.message, "expected a number value");
	CHECK_INT(evalc(&f, "ka.verb=a or", EV, &err), -1);
	CHECK_INT(evalc(&f, "ka.verb=a orb", EV, &err), -1);
	CHECK_STR(err.message, "expected blank or '(' after 'or'");
	CHECK_INT(evalc(&f, "tolower(ka.verb) = a", EV, &err), -1);
	CHECK(strstr(err.message, "field transformers") != NULL);
	fx_release(&f);
}

TEST(compile_errors)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "ka.verb=create and ka.nosuch=1", EV, &err), -1);
	CHECK_STR(err.message, "unknown field 'ka.nosuch'");
	CHECK_INT(err.col, 20);
	CHECK_INT(evalc(&f, "ka.uri.param exists", EV, &err), -1);
	CHECK_STR(err.message, "field 'ka.uri.param' requires an argument, e.g. ka.uri.param[...]");
	CHECK_INT(evalc(&f, "ka.verb[1] = x", EV, &err), -1);
	CHECK_STR(err.message, "field 'ka.verb' does not take an argument ('[1]')");
	CHECK_INT(evalc(&f, "ka.req.pod.containers.image[x] in (a)", EV, &err), -1);
	CHECK_STR(err.message, "field 'ka.req.pod.containers.image' takes a numeric index argument, not '[x]'");
	CHECK_INT(evalc(&f, "ka.verb bcontains 41", EV, &err), -1);
	CHECK_STR(err.message, "'bcontains' operator not supported for string filters");
	CHECK_INT(evalc(&f, "ka.verb regex '('", EV, &err), -1);
	CHECK(strstr(err.message, "invalid regular expression '('") == err.message);
	CHECK_INT(evalc(&f, "somemacro", EV, &err), -1);
	CHECK_STR(err.message, "Undefined macro 'somemacro' used in filter.");
	CHECK_INT(evalc(&f, "kg.user.authz_failures > abc", EV, &err), -1);
	CHECK_INT(evalc(&f, "kg.user.authz_failures in (1, x)", EV, &err), -1);
	CHECK_STR(err.message, "value 'x' is not a number (field 'kg.user.authz_failures' is numeric)");
	fx_release(&f);
}

TEST(deep_nesting_is_bounded)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	size_t n = 5000;
	char *s = malloc(n * 2 + 32);
	memset(s, '(', n);
	strcpy(s + n, "ka.verb=create");
	memset(s + n + 14, ')', n);
	s[2 * n + 14] = '\0';
	CHECK_INT(evalc(&f, s, EV, &err), -1);
	CHECK_STR(err.message, "exceeded max depth limit of 1000");
	free(s);
	fx_release(&f);
}

TEST(slots_are_shared_and_cached)
{
	struct fixture f;
	struct kg_diag err;
	fx_init(&f);
	CHECK_INT(evalc(&f, "ka.verb=create and ka.verb!=get and jevt.value[/verb]=create and json.value[/verb]=create", EV, &err), 1);
	CHECK_INT(f.slots.n, 3); /* ka.verb once; jevt.value and json.value are distinct output keys */
	fx_release(&f);
}
