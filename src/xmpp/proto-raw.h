/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_RAW_H
#define NATTER_PROTO_RAW_H

char	*proto_raw_redact(const char *xml);

#endif
