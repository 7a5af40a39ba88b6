# SPDX-License-Identifier: GPL-2.0
#
# make               vine.ko for the running kernel (if its headers are
#                    installed) and vinectl
# make modules KVER=6.1.0-56-amd64   the module for another kernel, in place
# VINE_SELFTEST=y    with the in-module selftests (kmod/selftest/), which
#                    `insmod vine.ko selftest=1` runs; make check does this
# make install       modules_install + vinectl to $(PREFIX)/sbin
# make dkms          register, build and install the module with DKMS
# make check         the whole test suite, in QEMU guests, on 6.1 and 6.12;
#                    then the tests aimed at lifetimes and hostile input on
#                    a debug kernel (KASAN, kmemleak, lockdep, UBSAN) built
#                    from linux-source-6.1 and cached (tools/debug-kernel.sh)
# make check-debug   the whole suite on the debug kernel only (about 90 min)
# make fuzz          the fuzzers of selftests/fuzz.sh for longer: FUZZ_SECS=600
#                    (or FUZZ_COUNT=N) each, FUZZ_SEED=N (default random)
# make demo          the main job: a ViNe demo in a QEMU guest
# make bench         benchmarks (see Documentation/bench.rst)
# make lint          checkpatch --strict, sparse and W=1 on both kernels,
#                    and a DKMS build for each

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' dkms.conf)

all: vinectl
	@if [ -d "$(KDIR)" ]; then $(MAKE) modules; \
	else echo "make: no headers in $(KDIR): skipping vine.ko (set KVER= or KDIR=)"; fi

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The module for kernel $* in a private copy of the tree, so that several
# kernels can be built side by side: build/$*/kmod/vine.ko. A fresh copy
# each time: copied files keep their times, so objects left from an older
# copy could look newer than the sources and be linked stale.
build/%/kmod/vine.ko: FORCE
	@rm -rf build/$*/kmod build/$*/include
	@mkdir -p build/$*
	@cp -a Kbuild dkms.conf kmod include build/$*/
	$(MAKE) -C $(or $(VINE_KDIR),/lib/modules/$*/build) M=$(CURDIR)/build/$* \
		VINE_SELFTEST=$(VINE_SELFTEST) modules

vinectl:
	$(MAKE) -C vinectl

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)
	install -D -m 0755 vinectl/vinectl $(DESTDIR)$(PREFIX)/sbin/vinectl
	install -D -m 0644 Documentation/vinectl.8 $(DESTDIR)$(PREFIX)/share/man/man8/vinectl.8

dkms:
	rm -rf /usr/src/vine-$(VERSION)
	mkdir -p /usr/src/vine-$(VERSION)
	cp -a Kbuild dkms.conf kmod include /usr/src/vine-$(VERSION)/
	dkms add -m vine -v $(VERSION)
	dkms build -m vine -v $(VERSION)
	dkms install -m vine -v $(VERSION)

check demo bench fuzz:
	tools/$@.sh

check-debug:
	KERNELS=debug CHECK_DEBUG_ALL=1 tools/check.sh

lint:
	tools/lint.sh

deps:
	tools/deps.sh

clean:
	$(MAKE) -C vinectl clean
	rm -rf build
	find kmod -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
		-o -name 'Module.symvers' -o -name 'modules.order' | xargs rm -f
	rm -f Module.symvers modules.order .*.cmd

FORCE:
.PHONY: all modules vinectl install dkms check check-debug demo bench fuzz lint deps clean FORCE
