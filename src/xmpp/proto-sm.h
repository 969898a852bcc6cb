/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_SM_H
#define NATTER_PROTO_SM_H

#include <stdbool.h>
#include <stdint.h>

/* What natter makes of a stream-management ack (XEP-0198 §4). */
enum proto_sm_ack {
	PROTO_SM_ACK_OK,
	PROTO_SM_ACK_TOO_HIGH,	/* more than was sent */
	PROTO_SM_ACK_BACKWARDS,	/* fewer than already acknowledged */
	PROTO_SM_ACK_GARBAGE,	/* missing, or not an unsigned 32-bit int */
};

enum proto_sm_ack proto_sm_check_ack(uint32_t sent, uint32_t acked,
	    const char *h, uint32_t *value);
bool	 proto_sm_parse_h(const char *h, uint32_t *value);
bool	 proto_sm_is_sm_element(const char *xml);
bool	 proto_sm_drop_resent(const char *name, const char *type, bool held,
	    const char *state);

#endif
