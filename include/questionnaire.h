/*
 * A Questionnaire as fields to answer (src/questionnaire.c), and the
 * answers as a QuestionnaireResponse's items: what eCheck-in asks before
 * a visit, and what a kiosk will ask. Strings live in the arena given to
 * questionnaire_parse(); the form (json) must outlive the questionnaire.
 */
#ifndef CHARTTY_QUESTIONNAIRE_H
#define CHARTTY_QUESTIONNAIRE_H

#include <stddef.h>

#include "util.h"
#include "view.h"

struct json;

#define QUESTIONNAIRE_MAX_ITEMS		40
#define QUESTIONNAIRE_MAX_OPTIONS	12
#define QUESTIONNAIRE_NOT_ANSWERED	"Not answered"

/* One question and where its answer is typed. */
struct questionnaire_item {
	const char	*link_id;
	const char	*text;
	const char	*type;		/* text, string, integer, boolean, ... */
	int		 required;
	int		 repeats;	/* choices: several may be chosen */
	int		 has_range;
	long		 min, max;
	const char	*options[QUESTIONNAIRE_MAX_OPTIONS + 1];	/* displays */
	const struct json *codings[QUESTIONNAIRE_MAX_OPTIONS];	/* borrowed */
	int		 noptions;
	struct field	 field;		/* one answer */
	struct field	*each;		/* repeats: one Yes/No per option */
};

struct questionnaire {
	const char			*title;		/* or NULL */
	struct questionnaire_item	*items;
	size_t				 nitems;
};

/* The questions of form, as fields with nothing typed. */
void	 questionnaire_parse(struct questionnaire *, struct arena *,
	     const struct json *form);
/* Put the answers of a response (kept for later) back in the fields. */
void	 questionnaire_fill(struct questionnaire *, const struct json *resp);
/* The fields as rows of v, ids first_id, first_id + 1, ... */
void	 questionnaire_view(struct questionnaire *, struct view *,
	     int first_id);
/*
 * Add the answers typed to items (a QuestionnaireResponse's item array).
 * 0, or -1 with *cause naming the question when an answer is not right,
 * or, when complete is set, a required one is missing.
 */
int	 questionnaire_answers(struct questionnaire *, struct json *items,
	     int complete, char **cause);
/* What is typed now, as a string to compare (caller frees). */
char	*questionnaire_print(const struct questionnaire *);
/* Non-zero when something is typed or chosen. */
int	 questionnaire_typed(const struct questionnaire *);
/* Wipe the fields (the strings are the arena's). */
void	 questionnaire_clear(struct questionnaire *);

#endif
