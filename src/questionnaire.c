/*
 * A Questionnaire as fields to answer, and the answers as the items of a
 * QuestionnaireResponse: text, integers with a range, yes/no, one choice
 * or several (one Yes/No per option), dates; groups flattened.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhirtime.h"
#include "json.h"
#include "model.h"
#include "questionnaire.h"
#include "sanitize.h"
#include "util.h"
#include "view.h"

#define EXT_MIN	"http://hl7.org/fhir/StructureDefinition/minValue"
#define EXT_MAX	"http://hl7.org/fhir/StructureDefinition/maxValue"
/* Whole numbers a questionnaire may name, either way. */
#define QUESTIONNAIRE_INT_MAX	1000000000LL

static const char *const questionnaire_yes_no[] = {
	QUESTIONNAIRE_NOT_ANSWERED, "Yes", "No"
};
static const char *const questionnaire_no_yes[] = { "No", "Yes" };

/* Collect the questions of items (groups flattened) into q->items. */
static void
questionnaire_items(struct questionnaire *qn, struct arena *arena,
    const struct json *items)
{
	const struct json	*q, *opt, *cd;
	struct questionnaire_item	*it;
	const char		*type;
	long long		 n;
	size_t			 i, k;

	for (i = 0; i < json_size(items) && qn->nitems < QUESTIONNAIRE_MAX_ITEMS;
	    i++) {
		q = json_at(items, i);
		if ((type = json_gets(q, "type")) == NULL ||
		    json_gets(q, "linkId") == NULL)
			continue;
		if (strcmp(type, "group") == 0) {
			questionnaire_items(qn, arena, json_get(q, "item"));
			continue;
		}
		if (strcmp(type, "display") == 0) {
			continue;
		}
		it = &qn->items[qn->nitems];
		memset(it, 0, sizeof *it);
		it->link_id = arena_strdup(arena, json_gets(q, "linkId"));
		it->text = model_str(arena, q, "text");
		if (it->text == NULL)
			it->text = it->link_id;
		it->type = arena_strdup(arena, type);
		it->required = json_bool(json_get(q, "required")) == 1;
		it->repeats = json_bool(json_get(q, "repeats")) == 1;
		/* Bounds beyond a billion (1e300) are not said. */
		if (json_int(model_extension(q, EXT_MIN), -QUESTIONNAIRE_INT_MAX,
		    QUESTIONNAIRE_INT_MAX, &n) == 0) {
			it->min = (long)n;
			it->has_range = 1;
			it->max = 1000000;
		}
		if (json_int(model_extension(q, EXT_MAX), -QUESTIONNAIRE_INT_MAX,
		    QUESTIONNAIRE_INT_MAX, &n) == 0) {
			it->max = (long)n;
			it->has_range = 1;
		}
		for (k = 0; k < json_size(json_get(q, "answerOption")) &&
		    it->noptions < QUESTIONNAIRE_MAX_OPTIONS; k++) {
			opt = json_at(json_get(q, "answerOption"), k);
			if ((cd = json_get(opt, "valueCoding")) == NULL)
				continue;
			it->codings[it->noptions] = cd;
			it->options[it->noptions] = model_str(arena, cd,
			    "display") ? model_str(arena, cd, "display") :
			    model_str(arena, cd, "code");
			if (it->options[it->noptions] != NULL)
				it->noptions++;
		}
		if (strcmp(type, "boolean") == 0)
			field_options(&it->field, questionnaire_yes_no, 3, 0);
		else if (strcmp(type, "choice") == 0 && it->repeats) {
			it->each = arena_alloc(arena, (it->noptions + 1) *
			    sizeof *it->each);
			for (k = 0; k < (size_t)it->noptions; k++)
				field_options(&it->each[k], questionnaire_no_yes, 2,
				    0);
		} else if (strcmp(type, "choice") == 0 ||
		    strcmp(type, "open-choice") == 0) {
			/* "Not answered" first, then the form's choices. */
			memmove(&it->options[1], &it->options[0],
			    it->noptions * sizeof it->options[0]);
			it->options[0] = QUESTIONNAIRE_NOT_ANSWERED;
			field_options(&it->field, it->options,
			    it->noptions + 1, 0);
		}
		qn->nitems++;
	}
}

/* Is option k of item it the coding cd? */
static int
questionnaire_same_coding(const struct questionnaire_item *it, int k,
    const struct json *cd)
{
	const struct json	*o = it->codings[k];
	const char		*a = json_gets(o, "code"), *b = json_gets(cd,
	    "code");

	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

void
questionnaire_fill(struct questionnaire *q, const struct json *resp)
{
	const struct json	*ri, *ans;
	struct questionnaire_item	*it;
	const char		*s;
	char			 num[32];
	long long		 n;
	size_t			 i, k, j;
	int			 b;

	for (i = 0; i < json_size(json_get(resp, "item")); i++) {
		ri = json_at(json_get(resp, "item"), i);
		for (k = 0, it = NULL; k < q->nitems; k++) {
			if (json_gets(ri, "linkId") && strcmp(q->items[k].link_id,
			    json_gets(ri, "linkId")) == 0)
				it = &q->items[k];
		}
		if (it == NULL)
			continue;
		for (j = 0; j < json_size(json_get(ri, "answer")); j++) {
			ans = json_at(json_get(ri, "answer"), j);
			if ((s = json_gets(ans, "valueString")) != NULL ||
			    (s = json_gets(ans, "valueDate")) != NULL) {
				char *clean = sanitize_str(s, 0);

				field_set(&it->field, clean);
				free(clean);
			} else if (json_int(json_get(ans, "valueInteger"),
			    -QUESTIONNAIRE_INT_MAX, QUESTIONNAIRE_INT_MAX,
			    &n) == 0) {
				snprintf(num, sizeof num, "%lld", n);
				field_set(&it->field, num);
			} else if ((b = json_bool(json_get(ans,
			    "valueBoolean"))) >= 0)
				field_choose(&it->field, 0, b ? 1 : 2);
			else if (json_get(ans, "valueCoding") != NULL) {
				for (k = 0; k < (size_t)it->noptions; k++) {
					if (!questionnaire_same_coding(it, (int)k,
					    json_get(ans, "valueCoding")))
						continue;
					if (it->each != NULL)
						field_choose(&it->each[k], 0, 1);
					else
						field_choose(&it->field, 0,
						    (int)k + 1);
				}
			}
		}
	}
}

/*
 * Add item it's answers to the response item list; 0, or -1 with *cause
 * (the question named) when one is not right or a required one is
 * missing and complete is set.
 */
static int
questionnaire_answer(struct questionnaire_item *it, struct json *items, int complete,
    char **cause)
{
	struct json	*ri = NULL, *ans;
	const char	*t = it->field.text;
	long long	 n;
	struct fhir_time ft;
	int		 k, count = 0;

#define ANSWER() (ri == NULL ? (ri = json_add_object(items, NULL), \
	json_add_str(ri, "linkId", it->link_id), \
	json_add_object(json_add_array(ri, "answer"), NULL)) : \
	json_add_object(json_get(ri, "answer"), NULL))
	if (it->each != NULL) {
		for (k = 0; k < it->noptions; k++) {
			if (it->each[k].choice != 1)
				continue;
			ans = ANSWER();
			json_add_child(ans, "valueCoding",
			    json_dup(it->codings[k]));
			count++;
		}
	} else if (it->field.noptions > 0) {
		if (it->field.choice > 0) {
			ans = ANSWER();
			if (strcmp(it->type, "boolean") == 0)
				json_add_bool(ans, "valueBoolean",
				    it->field.choice == 1);
			else
				json_add_child(ans, "valueCoding", json_dup(
				    it->codings[it->field.choice - 1]));
			count++;
		}
	} else if (!str_blank(t)) {
		if (strcmp(it->type, "integer") == 0) {
			if (parse_number(t, it->has_range ? it->min : -1000000,
			    it->has_range ? it->max : 1000000, &n) != 0) {
				*cause = it->has_range ? xasprintf("Answer "
				    "\"%s\" with a number from %ld to %ld.",
				    it->text, it->min, it->max) : xasprintf(
				    "Answer \"%s\" with a whole number.",
				    it->text);
				return -1;
			}
			json_add_num(ANSWER(), "valueInteger", (double)n);
		} else if (strcmp(it->type, "date") == 0) {
			if (fhir_time_parse(t, &ft) != 0 || ft.precision !=
			    FHIR_TIME_DAY) {
				*cause = xasprintf("Answer \"%s\" with a date "
				    "like 2026-10-01.", it->text);
				return -1;
			}
			json_add_str(ANSWER(), "valueDate", t);
		} else
			json_add_str(ANSWER(), "valueString", t);
		count++;
	}
#undef ANSWER
	if (complete && it->required && count == 0) {
		*cause = xasprintf("Please answer \"%s\".", it->text);
		return -1;
	}
	return 0;
}

char *
questionnaire_print(const struct questionnaire *q)
{
	const struct questionnaire_item	*it;
	struct buf			 b;
	size_t				 i;
	int				 k;

	buf_init(&b, 1024 * 1024);
	for (i = 0; i < q->nitems; i++) {
		it = &q->items[i];
		buf_printf(&b, "%s\037%d\037", it->field.text,
		    it->field.choice);
		for (k = 0; it->each != NULL && k < it->noptions; k++)
			buf_printf(&b, "%d", it->each[k].choice);
		buf_addstr(&b, "\036");
	}
	return buf_take(&b);
}


void
questionnaire_parse(struct questionnaire *q, struct arena *a,
    const struct json *form)
{
	memset(q, 0, sizeof *q);
	q->title = model_str(a, form, "title");
	q->items = arena_alloc(a, (QUESTIONNAIRE_MAX_ITEMS + 1) *
	    sizeof *q->items);
	questionnaire_items(q, a, json_get(form, "item"));
}

void
questionnaire_view(struct questionnaire *q, struct view *v, int first_id)
{
	struct questionnaire_item	*it;
	const char			*label;
	size_t				 i;
	int				 k, id = first_id;

	for (i = 0; i < q->nitems; i++) {
		it = &q->items[i];
		if (it->each != NULL) {
			view_text(v, view_printf(v, "%s%s", it->text,
			    it->required ? "" : " (optional)"));
			for (k = 0; k < it->noptions; k++)
				view_field(v, id++, it->options[k],
				    &it->each[k], 0);
			continue;
		}
		if (strcmp(it->type, "integer") == 0 && it->has_range)
			label = view_printf(v, "%s (a number, %ld to %ld)",
			    it->text, it->min, it->max);
		else if (strcmp(it->type, "date") == 0)
			label = view_printf(v, "%s (YYYY-MM-DD)", it->text);
		else
			label = it->text;
		if (!it->required)
			label = view_printf(v, "%s (optional)", label);
		view_field(v, id++, label, &it->field, 0);
	}
}

int
questionnaire_answers(struct questionnaire *q, struct json *items,
    int complete, char **cause)
{
	size_t	i;

	for (i = 0; i < q->nitems; i++) {
		if (questionnaire_answer(&q->items[i], items, complete,
		    cause) != 0)
			return -1;
	}
	return 0;
}

int
questionnaire_typed(const struct questionnaire *q)
{
	const struct questionnaire_item	*it;
	size_t				 i;
	int				 k;

	for (i = 0; i < q->nitems; i++) {
		it = &q->items[i];
		if (it->field.len > 0 && !(it->field.noptions > 0 &&
		    it->field.choice == 0))
			return 1;
		for (k = 0; it->each != NULL && k < it->noptions; k++) {
			if (it->each[k].choice != 0)
				return 1;
		}
	}
	return 0;
}

void
questionnaire_clear(struct questionnaire *q)
{
	size_t	i;
	int	k;

	for (i = 0; i < q->nitems; i++) {
		field_clear(&q->items[i].field);
		for (k = 0; q->items[i].each && k < q->items[i].noptions; k++)
			field_clear(&q->items[i].each[k]);
	}
	memset(q, 0, sizeof *q);
}
