/*
 * Every screen (screens/screen-*.c), for main's table and for screens that
 * open one another. The core (src/) includes this header nowhere but in
 * main.c: the loop is handed its screens (struct app_screens).
 */
#ifndef CHARTTY_SCREENS_H
#define CHARTTY_SCREENS_H

#include "app.h"

extern const struct screen screen_signin;
extern const struct screen screen_home;
extern const struct screen screen_summary;
extern const struct screen screen_detail;
extern const struct screen screen_help;
extern const struct screen screen_records;
extern const struct screen screen_results;
extern const struct screen screen_report;
extern const struct screen screen_trend;
extern const struct screen screen_meds;
extern const struct screen screen_refill;
extern const struct screen screen_reading;
extern const struct screen screen_inbox;
extern const struct screen screen_thread;
extern const struct screen screen_compose;
extern const struct screen screen_visits;
extern const struct screen screen_visit;
extern const struct screen screen_book;
extern const struct screen screen_onmyway;
extern const struct screen screen_checkin;
extern const struct screen screen_kiosk;
extern const struct screen screen_recover;
extern const struct screen screen_join;
extern const struct screen screen_contact;
extern const struct screen screen_twostep;
extern const struct screen screen_password;
extern const struct screen screen_activity;
extern const struct screen screen_smart;
extern const struct screen screen_notes;
extern const struct screen screen_export;
extern const struct screen screen_billing;
extern const struct screen screen_bill;
extern const struct screen screen_pay;
extern const struct screen screen_plan;

#endif
