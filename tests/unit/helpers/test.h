/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TEST_H
#define NATTER_TEST_H

/* Common includes of the cmocka unit tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#endif
