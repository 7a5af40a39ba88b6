/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ViNe router: shared by the channel files (channel.c, chan_queue.c,
 * chan_limited.c).
 */
#ifndef _VINE_CHANNEL_H
#define _VINE_CHANNEL_H

#include "vine.h"

#define VINE_CHAN_MISSES	3	/* poll intervals of silence: down */
#define VINE_CHAN_FORGET	30	/* poll intervals more: forgotten */
#define VINE_CHAN_PROBE		10	/* poll intervals between probes */

/* channel.c: both sides */
bool vine_chan_set(struct vine_peer *p, u8 state);
void vine_chan_mode(struct vine_peer *p, u8 poll);
bool vine_chan_live(const struct vine_peer *p);
void vine_chan_send(struct vine_router *vr, const struct vine_cfg *cfg,
		    struct vine_peer *p, __be32 daddr, __be16 dport,
		    u8 type, u32 ms);

/* chan_queue.c: the limited VRs we serve */
void vine_expiry_work(struct work_struct *work);
void vine_chan_client(struct vine_router *vr, const struct vine_cfg *cfg,
		      struct vine_peer *p, u8 type, u32 ms,
		      bool polled, const struct vine_from *from);
void vine_chan_bye(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p);

/* chan_limited.c: our channel to our queue VR */
void vine_chan_work(struct work_struct *work);
void vine_chan_release(struct vine_router *vr, const struct vine_cfg *cfg);
void vine_chan_unprobe(struct vine_router *vr);

#endif /* _VINE_CHANNEL_H */
