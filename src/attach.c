/* Saving an attachment to a file the person names (include/attach.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "attach.h"
#include "crypto.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "ui.h"
#include "util.h"

/* A file name from a title: no directories, no leading dot. */
static char *
attach_file_name(const char *title)
{
	char	*name, *p;

	name = xstrdup(title != NULL && *title != '\0' ? title :
	    "attachment");
	for (p = name; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			*p = '_';
	}
	while (name[0] == '.')
		name[0] = '_';
	return name;
}

int
attach_create(const char *path, char **cause)
{
	int	fd;

	/* O_EXCL already refuses a link; O_NOFOLLOW says so twice. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		*cause = errno == EEXIST ? xasprintf("%s is already there; "
		    "choose another name.", path) : xasprintf("%s cannot be "
		    "written: %s.", path, strerror(errno));
	return fd;
}

/* Fetch the attachment and write it to path (a new file, mode 0600). */
static int
attach_write(struct app *app, const struct attachment *at, const char *path,
    char **cause)
{
	struct fhir_result	 res;
	const char		*data;
	char			*bytes;
	size_t			 len, off = 0;
	ssize_t			 w;
	int			 fd, rc = -1, was;

	if (at->data != NULL)	/* sent inline */
		bytes = crypto_base64_decode(at->data, &len);
	else if (at->url == NULL) {
		*cause = xstrdup("This attachment has no address to fetch.");
		return -1;
	} else {
		app_loading(app, "Fetching the attachment...");
		/* A download: the longer deadline; Esc cancels it. */
		was = fhir_set_download(portal_fhir(app->portal), 1);
		rc = fhir_read(portal_fhir(app->portal), at->url, NULL, &res,
		    cause);
		fhir_set_download(portal_fhir(app->portal), was);
		if (rc != 0) {
			fhir_result_free(&res);
			return -1;
		}
		rc = -1;
		data = json_gets(res.body, "data");
		bytes = data != NULL ? crypto_base64_decode(data, &len) : NULL;
		fhir_result_free(&res);
	}
	if (bytes == NULL) {
		*cause = xstrdup("The attachment arrived damaged; nothing was "
		    "saved.");
		return -1;
	}
	if ((fd = attach_create(path, cause)) == -1)
		goto out;
	while (off < len) {
		if ((w = write(fd, bytes + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("Writing %s failed: %s.", path,
			    strerror(errno));
			close(fd);
			unlink(path);
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		*cause = xasprintf("Writing %s failed.", path);
		unlink(path);
		goto out;
	}
	rc = 0;
out:
	secure_wipe(bytes, len);
	free(bytes);
	return rc;
}

int
attachment_save(struct app *app, const struct attachment *at)
{
	char		*name, *def, *answer, *prompt, *cause = NULL, *said;
	const char	*home = getenv("HOME");

	if (app->opt.kiosk) {
		app_say(app, "Files cannot be saved on this terminal.");
		return APP_REDRAW;
	}
	name = attach_file_name(at->title);
	def = xasprintf("%s/%s", home != NULL && *home != '\0' ? home : ".",
	    name);
	free(name);
	prompt = xasprintf("Save as [%s]: ", def);
	answer = ui_prompt(app->ui, prompt);
	free(prompt);
	if (answer == NULL) {
		free(def);
		app_say(app, "Not saved.");
		return APP_REDRAW;
	}
	if (*answer != '\0') {
		free(def);
		def = answer;
		answer = NULL;
	}
	free(answer);
	if (attach_write(app, at, def, &cause) != 0) {
		app_say(app, cause);
		free(cause);
	} else {
		said = xasprintf("Saved to %s.", def);
		app_say(app, said);
		free(said);
	}
	free(def);
	return APP_REDRAW;
}
