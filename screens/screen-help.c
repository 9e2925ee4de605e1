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
}

const struct screen screen_help = {
	.title = "Help",
	.open = help_open,
	.view = help_view,
};
