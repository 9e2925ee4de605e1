/* The help screen: the keys, from the one key table. */
#include "config.h"

#include <stddef.h>

#include "app.h"
#include "screens.h"
#include "keys.h"
#include "view.h"

static int
help_open(struct app *app, void *arg, void **state, char **cause)
{
	*state = NULL;
	return 0;
}

static void
help_view(struct app *app, void *state, struct view *v)
{
	const struct key_binding	*k;

	view_text(v, "Each screen is a list. Move to an item and press "
	    "Enter to open it. In a form, type into the field that has the "
	    "cursor.");
	view_heading(v, "Keys");
	for (k = key_table; k->name != NULL; k++)
		view_item(v, (int)(k - key_table), "Key", k->keys, k->help,
		    ROW_INFO);
	view_heading(v, "Getting help");
	view_text(v, app->opt.helpdesk != NULL ? view_printf(v, "Call the "
	    "help desk: %s.", app->opt.helpdesk) : "Call your clinic's help "
	    "desk.");
	view_text(v, "Have ready: the email you sign in with, your date of "
	    "birth, this device (a computer, a terminal, over SSH), and what "
	    "went wrong, in its words. \"chartty diagnose\" prints what "
	    "they may ask about this machine, and nothing about your "
	    "health.");
}

const struct screen screen_help = {
	.title = "Help",
	.open = help_open,
	.view = help_view,
};
