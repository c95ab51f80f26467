/* A JSON well-formedness check for the harnesses: one value, nothing
 * after it.  Returns NULL, or what was wrong. */
#ifndef GFPSHIM_JSON_CHECK_H
#define GFPSHIM_JSON_CHECK_H

#include <string.h>

static const char *json_value(const char **s, unsigned depth);

static void json_ws(const char **s)
{
	while (**s == ' ' || **s == '\n' || **s == '\t' || **s == '\r')
		(*s)++;
}

static const char *json_string(const char **s)
{
	const char *p = *s + 1;

	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return "string with a control character or cut";
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return "bad \\u escape";
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return "bad escape";
			}
		}
	}
	*s = p + 1;
	return NULL;
}

static const char *json_number(const char **s)
{
	const char *p = *s;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return "bad number";
	while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
	       *p == '+' || *p == '-')
		p++;
	*s = p;
	return NULL;
}

static const char *json_items(const char **s, unsigned depth, char close,
			      int object)
{
	const char *why;

	(*s)++;
	json_ws(s);
	if (**s == close) {
		(*s)++;
		return NULL;
	}
	for (;;) {
		json_ws(s);
		if (object) {
			if (**s != '"')
				return "object key is not a string";
			if ((why = json_string(s)))
				return why;
			json_ws(s);
			if (*(*s)++ != ':')
				return "no ':' after a key";
		}
		if ((why = json_value(s, depth + 1)))
			return why;
		json_ws(s);
		if (**s == close) {
			(*s)++;
			return NULL;
		}
		if (*(*s)++ != ',')
			return "no ',' between items";
	}
}

static const char *json_value(const char **s, unsigned depth)
{
	if (depth > 64)
		return "nested too deep";
	json_ws(s);
	switch (**s) {
	case '{': return json_items(s, depth, '}', 1);
	case '[': return json_items(s, depth, ']', 0);
	case '"': return json_string(s);
	case 't': if (!strncmp(*s, "true", 4)) { *s += 4; return NULL; } break;
	case 'f': if (!strncmp(*s, "false", 5)) { *s += 5; return NULL; } break;
	case 'n': if (!strncmp(*s, "null", 4)) { *s += 4; return NULL; } break;
	default: return json_number(s);
	}
	return "unknown literal";
}

static inline const char *json_check(const char *text)
{
	const char *s = text;
	const char *why = json_value(&s, 0);

	if (why)
		return why;
	json_ws(&s);
	return *s ? "text after the value" : NULL;
}

#endif
