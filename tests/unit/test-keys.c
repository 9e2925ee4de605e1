/* The key table is the one source: every binding is in chartty(1). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "tap.h"
#include "util.h"

int
main(void)
{
	const struct key_binding	*k;
	const char			*top = getenv("top_srcdir");
	char				*path, line[512], *man = NULL;
	struct buf			 b;
	FILE				*f;

	path = xasprintf("%s/man/chartty.1", top ? top : ".");
	if ((f = fopen(path, "r")) == NULL) {
		printf("Bail out! cannot read %s\n", path);
		return 1;
	}
	buf_init(&b, 1 << 20);
	while (fgets(line, sizeof line, f) != NULL)
		buf_addstr(&b, line);
	fclose(f);
	man = b.data;
	for (k = key_table; k->name != NULL; k++) {
		char *item = xasprintf("\n.It %s\n", k->keys);

		ok(strstr(man, item) != NULL, "chartty(1) lists the keys "
		    "\"%s\" (%s)", k->keys, k->name);
		ok(k->help != NULL && strlen(k->help) > 5, "%s has help text",
		    k->name);
		free(item);
	}
	buf_free(&b, 0);
	free(path);
	return done_testing();
}
