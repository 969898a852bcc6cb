/* SPDX-License-Identifier: MIT */
/* GError domains of every layer. util layer. */
#include "errors.h"

G_DEFINE_QUARK(natter-util-error, natter_util_error)
G_DEFINE_QUARK(natter-config-error, natter_config_error)
G_DEFINE_QUARK(natter-proto-error, natter_proto_error)
G_DEFINE_QUARK(natter-cmd-error, natter_cmd_error)
