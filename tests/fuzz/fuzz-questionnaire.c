/*
 * The questionnaire engine (src/questionnaire.c), with no network: the
 * input is a Questionnaire, NUL, a QuestionnaireResponse kept for later,
 * NUL, then what a person types, a line per question (a number chooses
 * an option of a choice). The form becomes fields, the kept answers go
 * back in, the rows are made, and the answers typed become a response's
 * items, complete or not; a refusal always names the question.
 */
#include "config.h"

#include "fuzz.h"
#include "questionnaire.h"
#include "view.h"

/* Type line into item it as a person would. */
static void
type(struct questionnaire_item *it, const char *line)
{
	int	k, n = (int)strtol(line, NULL, 10);

	if (it->each != NULL) {
		for (k = 0; k < it->noptions; k++)
			field_choose(&it->each[k], 0, (n >> k) & 1);
	} else if (it->field.noptions > 0)
		field_choose(&it->field, 0, n >= 0 && n < it->field.noptions ?
		    n : 0);
	else
		field_set(&it->field, line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct questionnaire	 q;
	struct json		*form, *resp, *items;
	struct arena		*a;
	struct view		 v;
	char			*parts[3], *buf, *line, *next, *cause, *s;
	size_t			 i;
	int			 complete;

	fuzz_parts(data, size, parts, 3, &buf);
	if ((form = fuzz_json(parts[0], strlen(parts[0]))) == NULL) {
		free(buf);
		return 0;
	}
	resp = fuzz_json(parts[1], strlen(parts[1]));
	a = arena_create();
	questionnaire_parse(&q, a, form);
	FUZZ_CHECK(q.nitems <= QUESTIONNAIRE_MAX_ITEMS, "more questions "
	    "than room");
	questionnaire_fill(&q, resp);
	line = parts[2];
	for (i = 0; i < q.nitems && line != NULL; i++, line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		type(&q.items[i], line);
	}
	view_init(&v);
	questionnaire_view(&q, &v, 100);
	view_free(&v);
	for (complete = 0; complete <= 1; complete++) {
		items = json_new_array();
		cause = NULL;
		if (questionnaire_answers(&q, items, complete, &cause) != 0)
			FUZZ_CHECK(cause != NULL && *cause != '\0', "an answer "
			    "refused without a word");
		free(cause);
		s = json_print(items);
		free(s);
		json_free(items);
	}
	free(questionnaire_print(&q));
	(void)questionnaire_typed(&q);
	questionnaire_clear(&q);
	arena_free(a);
	json_free(resp);
	json_free(form);
	free(buf);
	return 0;
}
