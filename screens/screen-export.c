/*
 * Download my record: the format (FHIR for other apps, or text to read)
 * and the new file's name, prefilled; then the whole record is saved
 * there, a progress line saying how far while pages arrive. A file is
 * never written over. Not on a kiosk.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "export.h"
#include "portal.h"
#include "screens.h"
#include "ui.h"
#include "util.h"
#include "view.h"

enum { EX_FORMAT, EX_NAME, EX_DOWNLOAD, EX_CANCEL };

/* The formats as offered, in the order of enum export_format. */
static const char *const download_formats[] = {
	"FHIR (for other apps)", "Text (to read)"
};
#define EX_NFORMATS	2

/* Seconds between progress lines: the status line, or a plain line. */
#define EX_EVERY	1.0
#define EX_EVERY_PLAIN	5.0

struct download {
	struct field	 format, name;
	char		*defaults[EX_NFORMATS];	/* the prefilled names */
	struct app	*app;		/* while a download is under way */
	double		 said_at;	/* when progress was last said */
	int		 said;
};

static double
download_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
download_open(struct app *app, void *arg, void **state, char **cause)
{
	struct download	*s;
	const char	*home = getenv("HOME");
	int		 i;

	free(arg);
	if (app->opt.kiosk) {
		*cause = xstrdup("Files cannot be saved on this terminal.");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	if (home == NULL || *home == '\0')
		home = ".";
	for (i = 0; i < EX_NFORMATS; i++)
		s->defaults[i] = export_default_path(home, i, time(NULL));
	field_options(&s->format, download_formats, EX_NFORMATS, EXPORT_FHIR);
	field_set(&s->name, s->defaults[EXPORT_FHIR]);
	*state = s;
	return 0;
}

/* A name still as prefilled follows the format chosen (.json, .txt). */
static void
download_follow(struct download *s)
{
	int	i, chosen = s->format.choice;

	for (i = 0; i < EX_NFORMATS; i++) {
		if (i != chosen && strcmp(s->name.text, s->defaults[i]) == 0)
			field_set(&s->name, s->defaults[chosen]);
	}
}

static void
download_view(struct app *app, void *state, struct view *v)
{
	struct download	*s = state;
	const char	*whose = app_whose(app);

	download_follow(s);
	view_text(v, view_printf(v, "Everything the portal lets you read of "
	    "the record of %s is saved to a new file that only you can read. "
	    "FHIR is for other health apps; text is for reading, also on a "
	    "braille display.", whose != NULL ? whose : "this person"));
	view_text(v, "A name left as offered ends in .json for FHIR and .txt "
	    "for text.");
	view_field(v, EX_FORMAT, "Format", &s->format, 0);
	view_field(v, EX_NAME, "Save as", &s->name, 0);
	view_button(v, EX_DOWNLOAD, "Download");
	view_button(v, EX_CANCEL, "Cancel");
}

/* How far the download is, on the status line (plain: now and then). */
static void
download_progress(void *arg, long done, long total)
{
	struct download		*s = arg;
	struct app		*app = s->app;
	char			 words[96];
	double			 now = download_clock();
	double			 every = app->ui != NULL && app->ui->plain ?
				    EX_EVERY_PLAIN : EX_EVERY;

	if (s->said && now - s->said_at < every)
		return;
	s->said = 1;
	s->said_at = now;
	export_progress_words(done, total, words, sizeof words);
	app_loading(app, words);
}

static int
download_action(struct app *app, void *state, const struct view_row *r)
{
	struct download		*s = state;
	struct export_request	 q;
	struct export_result	 res;
	char			*cause = NULL, *said;
	int			 rc;

	if (r->id == EX_CANCEL)
		return APP_POP;
	/* Enter in a field is Download, as in every form. */
	download_follow(s);
	if (str_blank(s->name.text)) {
		app_say(app, "Please type a name for the new file.");
		return APP_REDRAW;
	}
	memset(&q, 0, sizeof q);
	q.format = s->format.choice == EXPORT_TEXT ? EXPORT_TEXT : EXPORT_FHIR;
	q.patient = app_patient(app);
	q.whose = app_whose(app);
	q.from = portal_server(app->portal)->root;
	q.path = s->name.text;
	q.progress = download_progress;
	q.arg = s;
	s->app = app;
	s->said = 0;
	app_loading(app, "Downloading the record...");
	rc = export_run(portal_fhir(app->portal), &q, &res, &cause);
	s->app = NULL;
	if (rc != 0) {
		app_say(app, cause);	/* nothing was left behind */
		free(cause);
		return APP_REDRAW;
	}
	said = res.skipped != NULL ? xasprintf("Saved to %s. Not included: "
	    "%s", q.path, res.skipped) : xasprintf("Saved to %s.", q.path);
	app_say(app, said);
	free(said);
	export_result_free(&res);
	return APP_POP;
}

static void
download_close(void *state)
{
	struct download	*s = state;
	int		 i;

	for (i = 0; i < EX_NFORMATS; i++)
		free(s->defaults[i]);
	free(s);
}

const struct screen screen_export = {
	.title = "Download my record",
	.open = download_open,
	.view = download_view,
	.action = download_action,
	.close = download_close,
};
