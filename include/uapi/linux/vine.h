/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ViNe: virtual networks across sites, routed by ViNe routers (VRs).
 *
 * This header is the contract between the vine kernel module and its
 * userspace tools: the generic netlink API. Documentation/netlink.rst
 * describes every command and attribute.
 */
#ifndef _UAPI_LINUX_VINE_H
#define _UAPI_LINUX_VINE_H

#define VINE_GENL_NAME		"vine"
#define VINE_GENL_VERSION	1
#define VINE_MCGRP_EVENTS	"events"

/**
 * enum vine_cmd - generic netlink commands of the "vine" family
 * @VINE_CMD_GET_STATUS: report module version and this namespace's VR
 *	state (a doit; the answer carries the VINE_A_STATUS_* attributes)
 */
enum vine_cmd {
	VINE_CMD_UNSPEC,
	VINE_CMD_GET_STATUS,

	__VINE_CMD_MAX
};

#define VINE_CMD_MAX (__VINE_CMD_MAX - 1)

/**
 * enum vine_attr - top-level attributes
 * @VINE_A_VERSION: string, the module's version (answers only)
 * @VINE_A_GENERATION: u32, this namespace's configuration generation; it
 *	grows by one on every successful table change (answers only)
 */
enum vine_attr {
	VINE_A_UNSPEC,
	VINE_A_VERSION,
	VINE_A_GENERATION,

	__VINE_A_MAX
};

#define VINE_A_MAX (__VINE_A_MAX - 1)

#endif /* _UAPI_LINUX_VINE_H */
