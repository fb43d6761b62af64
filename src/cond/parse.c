/* Condition text -> syntax tree, with libsinsp's grammar and error messages:
 *   or   := and ("or" (blank and | "(" or ")"))*
 *   and  := not ("and" (blank not | "(" or ")"))*
 *   not  := ("not" blank)* ("not(" or ")" | check)
 *   check:= "(" or ")" | FIELD[ARG] (exists | numop NUMBER | strop VALUE | listop LIST) | IDENT
 * FIELD has at least one dot; IDENT (a macro) has none. Bare values stop at blanks, parentheses,
 * quotes, '=' and ','. Quoted strings take \b \f \n \r \t \\ \/ and the escaped delimiter. */
#include <ctype.h>
#include <string.h>

#include "cond.h"

struct parser {
	const char *s;
	size_t len, pos;
	unsigned depth;
	struct kg_arena *arena;
	struct kg_diag *err;
	bool failed;
};

static const char *const op_names[] = {
	[KG_OP_EQ] = "=", [KG_OP_NE] = "!=", [KG_OP_LT] = "<", [KG_OP_LE] = "<=", [KG_OP_GT] = ">",
	[KG_OP_GE] = ">=", [KG_OP_CONTAINS] = "contains", [KG_OP_ICONTAINS] = "icontains",
	[KG_OP_BCONTAINS] = "bcontains", [KG_OP_STARTSWITH] = "startswith", [KG_OP_BSTARTSWITH] = "bstartswith",
	[KG_OP_ENDSWITH] = "endswith", [KG_OP_GLOB] = "glob", [KG_OP_IGLOB] = "iglob", [KG_OP_REGEX] = "regex",
	[KG_OP_IN] = "in", [KG_OP_INTERSECTS] = "intersects", [KG_OP_PMATCH] = "pmatch", [KG_OP_EXISTS] = "exists",
};

const char *kg_cmpop_name(enum kg_cmpop op)
{
	return (unsigned)op < sizeof(op_names) / sizeof(op_names[0]) ? op_names[op] : "?";
}

int kg_cmpop_parse(const char *s)
{
	if (!strcmp(s, "=="))
		return KG_OP_EQ;
	for (unsigned i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(s, op_names[i]))
			return (int)i;
	return -1;
}

bool kg_cmpop_is_list(enum kg_cmpop op)
{
	return op == KG_OP_IN || op == KG_OP_INTERSECTS || op == KG_OP_PMATCH;
}

static int fail(struct parser *p, const char *fmt, const char *detail)
{
	if (!p->failed) {
		kg_diag_set(p->err, NULL, 0, (unsigned)p->pos + 1, fmt, detail ? detail : "");
		p->failed = true;
	}
	return -1;
}

static char cur(const struct parser *p)
{
	return p->pos < p->len ? p->s[p->pos] : '\0';
}

static bool lex_blank(struct parser *p)
{
	bool found = false;
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\b' && c != '\r' && c != '\n')
			break;
		p->pos++;
		found = true;
	}
	return found;
}

static bool lex_str(struct parser *p, const char *lit)
{
	size_t n = strlen(lit);
	if (p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0) {
		p->pos += n;
		return true;
	}
	return false;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* [a-zA-Z]+[a-zA-Z0-9_]* */
static size_t ident_len(const char *s, size_t avail)
{
	size_t k = 0;
	if (!avail || !isalpha((unsigned char)s[0]))
		return 0;
	while (k < avail && (isalnum((unsigned char)s[k]) || s[k] == '_'))
		k++;
	return k;
}

/* IDENT(.IDENT)+ */
static size_t field_name_len(const char *s, size_t avail)
{
	size_t k = ident_len(s, avail);
	size_t parts = 0;
	if (!k)
		return 0;
	while (k + 1 < avail && s[k] == '.') {
		size_t n = ident_len(s + k + 1, avail - k - 1);
		if (!n)
			break;
		k += 1 + n;
		parts++;
	}
	return parts ? k : 0;
}

static char *dup_range(struct parser *p, size_t from, size_t to)
{
	return kg_arena_strndup(p->arena, p->s + from, to - from);
}

/* Quoted string at the cursor: to the first unescaped delimiter, then unescaped. Returns NULL
 * (cursor unmoved) when there is none. */
static const char *lex_quoted(struct parser *p)
{
	char d = cur(p);
	if (d != '"' && d != '\'')
		return NULL;
	size_t start = p->pos;
	char prev = '\\';
	for (size_t k = start; k < p->len; k++) {
		char c = p->s[k];
		if (c == d && prev != '\\' && k > start) {
			char *out = kg_arena_alloc(p->arena, k - start);
			size_t o = 0;
			bool esc = false;
			for (size_t i = start + 1; i < k; i++) {
				char e = p->s[i];
				if (!esc) {
					if (e == '\\')
						esc = true;
					else
						out[o++] = e;
					continue;
				}
				esc = false;
				switch (e) {
				case 'b': out[o++] = '\b'; break;
				case 'f': out[o++] = '\f'; break;
				case 'n': out[o++] = '\n'; break;
				case 'r': out[o++] = '\r'; break;
				case 't': out[o++] = '\t'; break;
				case ' ':
				case '\\': out[o++] = '\\'; break;
				case '/': out[o++] = '/'; break;
				case '"':
				case '\'':
					if (e != d) {
						p->pos = i;
						fail(p, e == '"' ? "invalid \\\" escape in '-quoted string" :
								   "invalid \\' escape in \"-quoted string", NULL);
						return NULL;
					}
					out[o++] = e;
					break;
				default: {
					char t[2] = { e, 0 };
					p->pos = i;
					fail(p, "unsupported string escape sequence: \\%s", t);
					return NULL;
				}
				}
			}
			out[o] = '\0';
			p->pos = k + 1;
			return out;
		}
		prev = c;
	}
	return NULL;
}

/* [^()"'[:space:]=,]+ */
static const char *lex_bare(struct parser *p)
{
	size_t k = p->pos;
	while (k < p->len) {
		char c = p->s[k];
		if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || is_space(c) || c == '\0')
			break;
		k++;
	}
	if (k == p->pos)
		return NULL;
	const char *v = dup_range(p, p->pos, k);
	p->pos = k;
	return v;
}

/* 0[xX][0-9a-zA-Z]+ | [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)? */
static const char *lex_number(struct parser *p)
{
	const char *s = p->s + p->pos;
	size_t avail = p->len - p->pos, k = 0;
	if (avail > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isalnum((unsigned char)s[2])) {
		k = 2;
		while (k < avail && isalnum((unsigned char)s[k]))
			k++;
	} else {
		if (k < avail && (s[k] == '+' || s[k] == '-'))
			k++;
		size_t d = k;
		while (k < avail && isdigit((unsigned char)s[k]))
			k++;
		if (k == d)
			return NULL;
		if (k < avail && s[k] == '.')
			k++;
		while (k < avail && isdigit((unsigned char)s[k]))
			k++;
		if (k + 2 < avail && (s[k] == 'e' || s[k] == 'E') && (s[k + 1] == '+' || s[k + 1] == '-') &&
		    isdigit((unsigned char)s[k + 2])) {
			k += 2;
			while (k < avail && isdigit((unsigned char)s[k]))
				k++;
		}
	}
	const char *v = dup_range(p, p->pos, p->pos + k);
	p->pos += k;
	return v;
}

static struct kg_ast *node(struct parser *p, int kind, size_t pos)
{
	struct kg_ast *n = kg_arena_zalloc(p->arena, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->pos = (uint32_t)pos;
	return n;
}

static struct kg_ast *parse_or(struct parser *p);

static bool enter(struct parser *p)
{
	if (++p->depth >= KG_COND_MAX_DEPTH) {
		fail(p, "exceeded max depth limit of %s", "1000");
		return false;
	}
	return true;
}

static struct kg_ast *parse_embedded(struct parser *p)
{
	if (!enter(p))
		return NULL;
	lex_blank(p);
	struct kg_ast *n = parse_or(p);
	if (!n)
		return NULL;
	lex_blank(p);
	if (!lex_str(p, ")")) {
		fail(p, "expected a ')' token", NULL);
		return NULL;
	}
	p->depth--;
	return n;
}

struct strvec {
	const char **v;
	uint32_t n, cap;
};

static void strvec_push(struct parser *p, struct strvec *sv, const char *s)
{
	if (sv->n == sv->cap) {
		uint32_t cap = sv->cap ? sv->cap * 2 : 8;
		const char **nv = kg_arena_alloc(p->arena, cap * sizeof(*nv));
		if (sv->n)
			memcpy(nv, sv->v, sv->n * sizeof(*nv));
		sv->v = nv;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
}

static const char *const str_ops[] = { "==", "=", "!=", "glob ", "iglob ", "contains ", "icontains ",
				       "bcontains ", "startswith ", "bstartswith ", "endswith ", "regex " };
static const char *const num_ops[] = { "<=", "<", ">=", ">" };
static const char *const list_ops[] = { "intersects", "in", "pmatch" };

static int op_from(const char *lit)
{
	char t[16];
	size_t n = strlen(lit);
	while (n && lit[n - 1] == ' ')
		n--;
	memcpy(t, lit, n);
	t[n] = '\0';
	return kg_cmpop_parse(t);
}

static struct kg_ast *parse_condition(struct parser *p, struct kg_ast *chk)
{
	lex_blank(p);
	if (lex_str(p, "exists")) {
		chk->op = KG_OP_EXISTS;
		return chk;
	}
	lex_blank(p);
	for (size_t i = 0; i < sizeof(num_ops) / sizeof(num_ops[0]); i++) {
		if (!lex_str(p, num_ops[i]))
			continue;
		chk->op = (uint8_t)op_from(num_ops[i]);
		lex_blank(p);
		const char *v = lex_number(p);
		if (!v) {
			fail(p, "expected a number value", NULL);
			return NULL;
		}
		chk->vals = kg_arena_alloc(p->arena, sizeof(*chk->vals));
		chk->vals[0] = v;
		chk->n = 1;
		return chk;
	}
	for (size_t i = 0; i < sizeof(str_ops) / sizeof(str_ops[0]); i++) {
		if (!lex_str(p, str_ops[i]))
			continue;
		chk->op = (uint8_t)op_from(str_ops[i]);
		lex_blank(p);
		const char *v = lex_quoted(p);
		if (!v && !p->failed)
			v = lex_bare(p);
		if (!v) {
			fail(p, "expected a string value", NULL);
			return NULL;
		}
		chk->vals = kg_arena_alloc(p->arena, sizeof(*chk->vals));
		chk->vals[0] = v;
		chk->n = 1;
		return chk;
	}
	for (size_t i = 0; i < sizeof(list_ops) / sizeof(list_ops[0]); i++) {
		if (!lex_str(p, list_ops[i]))
			continue;
		chk->op = (uint8_t)op_from(list_ops[i]);
		lex_blank(p);
		struct strvec sv = { 0 };
		if (lex_str(p, "(")) {
			chk->rhs_list = 1;
			lex_blank(p);
			const char *v = lex_quoted(p);
			if (!v && !p->failed)
				v = lex_bare(p);
			if (p->failed)
				return NULL;
			if (v) {
				strvec_push(p, &sv, v);
				lex_blank(p);
				while (lex_str(p, ",")) {
					lex_blank(p);
					v = lex_quoted(p);
					if (!v && !p->failed)
						v = lex_bare(p);
					if (!v) {
						fail(p, "expected a string value", NULL);
						return NULL;
					}
					strvec_push(p, &sv, v);
					lex_blank(p);
				}
			}
			if (!lex_str(p, ")")) {
				fail(p, "expected a ')' token", NULL);
				return NULL;
			}
		} else {
			size_t k = ident_len(p->s + p->pos, p->len - p->pos);
			if (!k) {
				fail(p, "expected a list or an identifier", NULL);
				return NULL;
			}
			strvec_push(p, &sv, dup_range(p, p->pos, p->pos + k));
			p->pos += k;
		}
		chk->vals = sv.v;
		chk->n = sv.n;
		return chk;
	}
	fail(p, "expected a valid check operator: one of %s",
	     "'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', "
	     "'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch'");
	return NULL;
}

static struct kg_ast *parse_check(struct parser *p)
{
	if (!enter(p))
		return NULL;
	lex_blank(p);
	size_t pos = p->pos;
	struct kg_ast *res = NULL;
	if (lex_str(p, "(")) {
		res = parse_embedded(p);
	} else if (field_name_len(p->s + p->pos, p->len - p->pos)) {
		size_t k = field_name_len(p->s + p->pos, p->len - p->pos);
		struct kg_ast *chk = node(p, KG_AST_CHECK, pos);
		chk->name = dup_range(p, p->pos, p->pos + k);
		p->pos += k;
		if (lex_str(p, "[")) {
			const char *arg = lex_quoted(p);
			if (!arg && !p->failed) {
				size_t a = p->pos;
				while (a < p->len && p->s[a] != '[' && p->s[a] != ']' && p->s[a] != '"' &&
				       p->s[a] != '\'' && !is_space(p->s[a]))
					a++;
				if (a > p->pos) {
					arg = dup_range(p, p->pos, a);
					p->pos = a;
				}
			}
			if (!arg) {
				fail(p, "expected a valid field argument: a quoted string or a bare string", NULL);
				return NULL;
			}
			if (!lex_str(p, "]")) {
				fail(p, "expected a ']' token", NULL);
				return NULL;
			}
			chk->arg = arg;
		}
		if (cur(p) == '(') {
			fail(p, "field transformers (tolower(), val(), ...) are not supported by kguard%s", NULL);
			return NULL;
		}
		res = parse_condition(p, chk);
	} else if (ident_len(p->s + p->pos, p->len - p->pos)) {
		size_t k = ident_len(p->s + p->pos, p->len - p->pos);
		if (p->pos + k < p->len && p->s[p->pos + k] == '(') {
			fail(p, "field transformers (tolower(), val(), ...) are not supported by kguard%s", NULL);
			return NULL;
		}
		res = node(p, KG_AST_IDENT, pos);
		res->name = dup_range(p, p->pos, p->pos + k);
		p->pos += k;
	} else {
		fail(p, "expected a '(' token, a field check, or an identifier", NULL);
		return NULL;
	}
	if (res)
		p->depth--;
	return res;
}

static struct kg_ast *parse_not(struct parser *p)
{
	if (!enter(p))
		return NULL;
	lex_blank(p);
	size_t pos = p->pos;
	bool neg = false;
	for (;;) {
		size_t save = p->pos;
		if (lex_str(p, "not") && lex_blank(p)) {
			neg = !neg;
			continue;
		}
		p->pos = save;
		break;
	}
	struct kg_ast *child;
	if (lex_str(p, "not(")) {
		neg = !neg;
		child = parse_embedded(p);
	} else {
		child = parse_check(p);
	}
	if (!child)
		return NULL;
	p->depth--;
	if (!neg)
		return child;
	struct kg_ast *n = node(p, KG_AST_NOT, pos);
	n->kids = kg_arena_alloc(p->arena, sizeof(*n->kids));
	n->kids[0] = child;
	n->n = 1;
	return n;
}

struct astvec {
	struct kg_ast **v;
	uint32_t n, cap;
};

static void astvec_push(struct parser *p, struct astvec *av, struct kg_ast *a)
{
	if (av->n == av->cap) {
		uint32_t cap = av->cap ? av->cap * 2 : 4;
		struct kg_ast **nv = kg_arena_alloc(p->arena, cap * sizeof(*nv));
		if (av->n)
			memcpy(nv, av->v, av->n * sizeof(*nv));
		av->v = nv;
		av->cap = cap;
	}
	av->v[av->n++] = a;
}

static struct kg_ast *parse_seq(struct parser *p, const char *kw, int kind, struct kg_ast *(*sub)(struct parser *))
{
	if (!enter(p))
		return NULL;
	size_t pos = p->pos;
	struct astvec av = { 0 };
	lex_blank(p);
	struct kg_ast *c = sub(p);
	if (!c)
		return NULL;
	astvec_push(p, &av, c);
	lex_blank(p);
	while (lex_str(p, kw)) {
		if (!lex_blank(p)) {
			if (!lex_str(p, "(")) {
				fail(p, kind == KG_AST_OR ? "expected blank or '(' after 'or'" :
							    "expected blank or '(' after 'and'", NULL);
				return NULL;
			}
			c = parse_embedded(p);
		} else {
			c = sub(p);
		}
		if (!c)
			return NULL;
		astvec_push(p, &av, c);
		lex_blank(p);
	}
	p->depth--;
	if (av.n == 1)
		return av.v[0];
	struct kg_ast *n = node(p, kind, pos);
	n->kids = av.v;
	n->n = av.n;
	return n;
}

static struct kg_ast *parse_and(struct parser *p)
{
	return parse_seq(p, "and", KG_AST_AND, parse_not);
}

static struct kg_ast *parse_or(struct parser *p)
{
	return parse_seq(p, "or", KG_AST_OR, parse_and);
}

int kg_cond_parse(const char *text, struct kg_arena *arena, struct kg_ast **out, struct kg_diag *err)
{
	struct parser p = { text, strlen(text), 0, 0, arena, err, false };
	*out = NULL;
	if (p.len > KG_COND_MAX_LEN) {
		kg_diag_set(err, NULL, 0, 1, "condition longer than %u bytes", KG_COND_MAX_LEN);
		return -1;
	}
	if (p.len == 0) {
		kg_diag_set(err, NULL, 0, 1, "filter input string is empty");
		return -1;
	}
	struct kg_ast *a = parse_or(&p);
	if (!a)
		return -1;
	if (p.pos != p.len) {
		char near[40];
		size_t n = p.len - p.pos < sizeof(near) - 1 ? p.len - p.pos : sizeof(near) - 1;
		memcpy(near, text + p.pos, n);
		near[n] = '\0';
		fail(&p, "unexpected token '%s', expecting 'or', 'and'", near);
		return -1;
	}
	*out = a;
	return 0;
}
