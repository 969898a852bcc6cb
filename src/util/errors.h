/* SPDX-License-Identifier: MIT */
#ifndef NATTER_ERRORS_H
#define NATTER_ERRORS_H

#include <glib.h>

/* One GError domain per layer (STYLE §8). */
#define NATTER_UTIL_ERROR (natter_util_error_quark())
#define NATTER_CONFIG_ERROR (natter_config_error_quark())
#define NATTER_PROTO_ERROR (natter_proto_error_quark())
#define NATTER_CMD_ERROR (natter_cmd_error_quark())

GQuark	natter_util_error_quark(void);
GQuark	natter_config_error_quark(void);
GQuark	natter_proto_error_quark(void);
GQuark	natter_cmd_error_quark(void);

#endif
