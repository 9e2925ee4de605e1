/*
 * Records said for people (src/format.c): values, quantities, ranges,
 * interpretation flags and statuses in words. The parsers that make the
 * records are model.h's.
 */
#ifndef CHARTTY_FORMAT_H
#define CHARTTY_FORMAT_H

#include <stddef.h>
#include <time.h>

#include "model.h"

/*
 * A unit as people write it, from a UCUM code; a unit already written
 * for people comes back as it is. Brackets go ("mm[Hg]" -> "mmHg",
 * "/[HPF]" -> "/HPF", "[lb_av]" -> "lb"), a power of ten is a word a
 * braille display and speech read plainly ("10*3/uL" -> "thousand/uL",
 * "10*-2" -> "x10^-2"), "Cel" and "[degF]" are C and F after a degree
 * sign (C and F alone after format_set_ascii(1)), an annotation is its
 * words ("{cells}/uL" -> "cells/uL") and alone it goes, as does unity
 * ("{score}", "1" -> ""). Only for showing: what is sent or compared
 * stays the code. A new string the caller frees; NULL for NULL.
 */
char	*format_unit(const char *code);
/* With ascii set, units use ASCII only ("C", not a degree sign). */
void	 format_set_ascii(int ascii);
/* What is shown from kept records says since when (a new string): "As
 * of Tue 1 Dec 14:02; the portal cannot be reached." */
char	*format_as_of(time_t at);

/* A task status in words for people: "Waiting for your care team". */
const char *format_task_words(const char *status);

/* A code and how it is said to people. */
struct code_words {
	const char	*code;
	const char	*words;
};
/* The words for code among n pairs, or NULL (also for a NULL code). */
const char *format_words(const struct code_words *, size_t n,
	     const char *code);
/* A status among n pairs in words; else the code itself, else "Status
 * not given". Never NULL. */
const char *format_status(const struct code_words *, size_t n,
	     const char *status);
/* Interpretation code in words ("H" -> "High"), or NULL if unknown. */
const char *format_flag_words(const char *code);
/* A value for people: "7.1 %", "120 to 140 mg/dL", "1:40", "Positive". */
char	*format_value(struct arena *, const struct obs_value *);
/*
 * An observation's value for people, panels as "142/88 mmHg"; with_flag
 * adds an out-of-range flag in words: "7.1 % (High)".
 */
char	*format_obs_value(struct arena *, const struct observation *,
	     int with_flag);
/* Non-zero for an interpretation code outside the range (H, LL, A...). */
int	 format_flag_abnormal(const char *code);
/* Non-zero when the observation or a component is flagged out of range. */
int	 format_obs_abnormal(const struct observation *);
/* A quantity for people: "<5.2 mmol/L"; "" when absent. */
char	*format_quantity(struct arena *, const struct quantity *);
/* A reference range for people: "3.5 to 5.0 mmol/L", "below 200". */
char	*format_range(struct arena *, const struct ref_range *);

#endif
