# The 政务服务 7x24 self-service kiosk. `make run` and `make check` install what they need (mk/deps.sh).
# Variables: O= build folder, SANITIZE=address,undefined, CFLAGS=, PREFIX=, DESTDIR=,
# READER=pty (make run: the ID-card reader over the serial backend, simulated on a pty).
# SCANNER=sane (make run: the scanner through libsane from SANE's test backend; SCANNER_FEEDER=1 for its feeder),
# SCANNER=camera (make run: a document camera through the v4l2 backend, playing recorded frames).

O ?= build
SANITIZE ?=
PREFIX ?= /usr/local
DESTDIR ?=
CFLAGS ?= -O2 -g

PKGS := sdl2 SDL2_ttf sqlite3 jansson libpng libjpeg libcrypto libqrencode libcurl libusb-1.0 cairo cairo-ft \
	fontconfig
PKGS += sane-backends
# sd_notify: readiness and the watchdog under systemd (kiosk/notify.c).
PKGS += libsystemd
TEST_PKGS := cmocka
# The reference platform (tests/platform/, docs/uplink.md section 13) links these; the kiosk does not.
PLAT_PKGS := libmicrohttpd gnutls sqlite3 jansson libcrypto cairo fontconfig

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
ALL_CFLAGS = -std=gnu11 -I. $(WARN) $(CFLAGS) -MMD -MP $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
# Libraries built without frame pointers (cairo) need the slow unwinder for a suppression to see who called them.
SAN_ENV := ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/mk/lsan.supp
endif

# Evaluated only when used, so the deps step can run before pkg-config knows the packages.
# CUPS 2.4 on Debian ships no pkg-config file: cups-config instead.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS)) $(shell cups-config --cflags)
LIBS = $(shell pkg-config --libs $(PKGS)) $(shell cups-config --libs) -lpthread -lm -ldl
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS))
PLAT_LIBS = $(shell pkg-config --libs $(PLAT_PKGS)) -lpthread

LIB_SRC := $(wildcard common/*.c drivers/*.c offline-queue/*.c ui/*.c ui/sdl/*.c) \
	$(filter-out kiosk/main.c,$(wildcard kiosk/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c tests/flow/test_*.c tests/golden/test_*.c tests/tools/test_*.c \
	tests/integration/test_*.c)
TEST_BIN := $(TEST_SRC:%.c=$(O)/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:%.c=$(O)/%)
# Shell checks of the Debian package and its unit (tests/pkg/), a few seconds.
PKG_TESTS := $(sort $(wildcard tests/pkg/test_*.sh))
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:%.c=$(O)/%)

KIOSK := $(O)/kiosk/kiosk
PLATFORM := $(O)/tests/platform/platform
PLAT_OBJ := $(patsubst %.c,$(O)/%.o,$(wildcard tests/platform/*.c))
COMMON_OBJ := $(patsubst %.c,$(O)/%.o,$(wildcard common/*.c))
# The request-body checks of the platform, shared with their unit test and fuzz target.
PLAT_JSON_OBJ := $(O)/tests/platform/plat_json.o
# The technicians' tool: tools/kioskctl/main.c and one file per command group.
KIOSKCTL := $(O)/tools/kioskctl/kioskctl
KIOSKCTL_OBJ := $(patsubst %.c,$(O)/%.o,$(wildcard tools/kioskctl/*.c))

# Quiet by default, as kernel-style builds are; V=1 prints every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all run check bench fuzz format tidy install clean deps-build deps-check build-tests deb soak
.PHONY: image bundle image-test image-deps image-deb
.DEFAULT_GOAL := all

all: $(KIOSK) $(KIOSKCTL) $(PLATFORM)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libkiosk.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(KIOSK): $(O)/kiosk/main.o $(O)/libkiosk.a
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The platform is its own program: common/ and its own files only, so it meets the terminal's client code
# through docs/uplink.md alone.
$(PLAT_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags $(PLAT_PKGS))

$(KIOSKCTL): $(KIOSKCTL_OBJ) $(O)/libkiosk.a
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# A stand-in for a vendor's photo decoder, for the photo hook's test only; never installed.
FAKE_WLT := $(O)/tests/data/libfakewlt.so
$(FAKE_WLT): tests/data/fake_wlt.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -shared -fPIC $(CFLAGS) -o $@ $<
$(O)/tests/unit/test_idcard_photo $(O)/tests/golden/test_golden $(O)/tests/flow/test_card_photo: $(FAKE_WLT)

# The USB backend under umockdev: links libumockdev and re-executes itself with its preload library.
UMOCKDEV_TEST := $(O)/tests/unit/test_idcard_umockdev
$(UMOCKDEV_TEST): ALL_CFLAGS += $(shell pkg-config --cflags umockdev-1.0)
$(UMOCKDEV_TEST): TEST_LIBS += $(shell pkg-config --libs umockdev-1.0)
$(UMOCKDEV_TEST): tests/data/idcard_reader.umockdev
KEYPAD_UMOCKDEV_TEST := $(O)/tests/unit/test_keypad_umockdev
$(KEYPAD_UMOCKDEV_TEST): ALL_CFLAGS += $(shell pkg-config --cflags umockdev-1.0)
$(KEYPAD_UMOCKDEV_TEST): TEST_LIBS += $(shell pkg-config --libs umockdev-1.0)
$(KEYPAD_UMOCKDEV_TEST): tests/data/keypad_hid.umockdev tests/data/keypad_hid.reports
# The receipt printer's USB backend under umockdev, the same way.
RECEIPT_UMOCKDEV_TEST := $(O)/tests/unit/test_receipt_umockdev
$(RECEIPT_UMOCKDEV_TEST): ALL_CFLAGS += $(shell pkg-config --cflags umockdev-1.0)
$(RECEIPT_UMOCKDEV_TEST): TEST_LIBS += $(shell pkg-config --libs umockdev-1.0)
$(RECEIPT_UMOCKDEV_TEST): tests/data/receipt_printer.umockdev
# Their shared harness (tests/support/umockdev_dev.c) and the emulated receipt printer, which the
# kioskctl receipt test (tests/tools/test_kioskctl_receipt.c) drives too.
UMOCKDEV_OBJ := $(O)/tests/support/umockdev_dev.o
UMOCKDEV_PRINTER_OBJ := $(UMOCKDEV_OBJ) $(O)/tests/support/umockdev_printer.o
$(UMOCKDEV_PRINTER_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags umockdev-1.0)
$(UMOCKDEV_TEST) $(KEYPAD_UMOCKDEV_TEST): $(UMOCKDEV_OBJ)
$(RECEIPT_UMOCKDEV_TEST): $(UMOCKDEV_PRINTER_OBJ)
KIOSKCTL_UMOCKDEV_TEST := $(O)/tests/tools/test_kioskctl_receipt
$(KIOSKCTL_UMOCKDEV_TEST): ALL_CFLAGS += $(shell pkg-config --cflags umockdev-1.0)
$(KIOSKCTL_UMOCKDEV_TEST): TEST_LIBS += $(shell pkg-config --libs umockdev-1.0)
$(KIOSKCTL_UMOCKDEV_TEST): $(UMOCKDEV_PRINTER_OBJ) tests/data/receipt_printer.umockdev

# Tool tests run kioskctl.
$(filter $(O)/tests/tools/%,$(TEST_BIN)): $(KIOSKCTL)
$(O)/tests/tools/test_kioskctl $(O)/tests/tools/test_kioskctl_eval $(O)/tests/tools/test_kioskctl_receipt: \
	$(O)/tests/support/ctl_run.o

$(PLATFORM): $(PLAT_OBJ) $(COMMON_OBJ)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PLAT_LIBS)

# Journey and golden tests run the kiosk binary itself; the platform test runs the platform.
$(filter $(O)/tests/flow/% $(O)/tests/golden/%,$(TEST_BIN)): $(KIOSK)
$(O)/tests/unit/test_platform: $(PLATFORM) $(O)/tests/support/plat_proc.o
# Support code of the tests that run the kiosk or the platform.
$(O)/tests/flow/test_journey $(O)/tests/flow/test_card_photo $(O)/tests/flow/test_at_rest: $(O)/tests/support/journey_script.o
$(O)/tests/flow/test_reprint: $(O)/tests/support/journey_script.o $(O)/tests/support/plat_proc.o $(PLATFORM)
$(O)/tests/flow/test_uplink $(O)/tests/flow/test_certs: $(O)/tests/support/journey_script.o $(O)/tests/support/plat_proc.o $(PLATFORM)
# The delivery checker (tests/support/deliver_check.c) and its command for shell scripts.
DELIVER_CHECK := $(O)/tests/tools/deliver-check
DELIVER_CHECK_OBJ := $(O)/tests/support/deliver_check.o
$(DELIVER_CHECK): tests/tools/deliver_check_main.c $(DELIVER_CHECK_OBJ) $(O)/libkiosk.a
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS)
$(O)/tests/flow/test_delivery_faults: $(O)/tests/support/journey_script.o $(O)/tests/support/plat_proc.o \
	$(DELIVER_CHECK_OBJ) $(O)/tests/support/fault_proxy.o $(PLATFORM) $(DELIVER_CHECK)
$(O)/tests/flow/test_clock_faults: $(O)/tests/support/journey_script.o $(O)/tests/support/plat_proc.o \
	$(DELIVER_CHECK_OBJ) $(O)/tests/support/fault_proxy.o $(PLATFORM)
$(O)/tests/flow/test_delivery_faults: ALL_CFLAGS += -DDELIVER_CHECK_BIN='"$(abspath $(DELIVER_CHECK))"'
$(O)/tests/flow/test_eval: $(O)/tests/support/journey_script.o $(O)/tests/support/plat_proc.o $(PLATFORM)
$(O)/tests/support/%.o: ALL_CFLAGS += -DSRCDIR='"$(CURDIR)"' -DKIOSK_BIN='"$(abspath $(KIOSK))"' \
	-DPLATFORM_BIN='"$(abspath $(PLATFORM))"' -DKIOSKCTL_BIN='"$(abspath $(KIOSKCTL))"'

$(O)/tests/unit/test_plat_json $(O)/tests/fuzz/fuzz_plat_json: $(PLAT_JSON_OBJ)
$(O)/tests/unit/test_queue_cert_print $(O)/tests/unit/test_queue_receipt: $(O)/tests/support/queue_fix.o
$(O)/tests/unit/test_idcard_reader $(O)/tests/unit/test_keypad_serial $(O)/tests/unit/test_receipt_umockdev \
	$(O)/tests/unit/test_idcard_umockdev $(O)/tests/unit/test_keypad_umockdev: $(O)/tests/support/dev_run.o
# Power cuts at every SQLite I/O operation of a case commit.
$(O)/tests/unit/test_queue_crash: $(O)/tests/support/crashvfs.o
# Storage faults under the kiosk: an LD_PRELOAD layer failing one write, fsync, rename or open.
FAILIO := $(O)/tests/support/libfailio.so
$(FAILIO): tests/support/failio.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 $(WARN) -shared -fPIC $(CFLAGS) -o $@ $< -ldl
$(O)/tests/flow/test_storage_faults: $(FAILIO) $(O)/tests/support/journey_script.o
# A full disk on a small tmpfs data folder (skipped where it cannot be mounted).
$(O)/tests/flow/test_full_disk: $(O)/tests/support/journey_script.o
# The crash loop: the kiosk killed at seeded I/O calls, restarted, and checked for delivery.
$(O)/tests/flow/test_crash_loop: $(FAILIO) $(O)/tests/support/journey_script.o \
	$(O)/tests/support/plat_proc.o $(DELIVER_CHECK_OBJ) $(O)/tests/support/store_check.o $(PLATFORM)
$(O)/tests/flow/test_crash_loop: ALL_CFLAGS += -DFAILIO_LIB='"$(abspath $(FAILIO))"'
# make soak's journeys (mk/soak.sh); never part of make check.
SOAK := $(O)/tests/soak/soak_journeys
$(SOAK): $(O)/tests/support/journey_script.o $(O)/tests/support/plat_proc.o $(DELIVER_CHECK_OBJ) \
	$(O)/tests/support/store_check.o $(KIOSK) $(PLATFORM)
$(O)/tests/flow/test_storage_faults: ALL_CFLAGS += -DFAILIO_LIB='"$(abspath $(FAILIO))"'

# The SANE backend's test runs against SANE's own test backend, from where libsane keeps its backends.
$(O)/tests/unit/test_scanner_sane: ALL_CFLAGS += -DSANE_LIBDIR='"$(shell pkg-config --variable=libdir sane-backends)/sane"'
$(O)/tests/unit/test_scanner_sane: TEST_LIBS += -ldl

# Document camera frames for tests and `make run SCANNER=camera`.
CAMFRAMES := $(O)/tests/tools/camframes
$(CAMFRAMES): $(O)/tests/support/camframes.o
$(O)/tests/flow/test_camera: $(O)/tests/support/journey_script.o $(O)/tests/support/camframes.o
$(O)/tests/golden/test_golden: $(O)/tests/support/camframes.o
$(O)/tests/golden/test_golden: $(O)/tests/support/plat_proc.o $(PLATFORM)

# Object prerequisites (the platform's checks) are linked in too.
$(O)/tests/%: tests/%.c $(O)/libkiosk.a
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -DSRCDIR='"$(CURDIR)"' -DKIOSK_BIN='"$(abspath $(KIOSK))"' \
		-DPLATFORM_BIN='"$(abspath $(PLATFORM))"' -DKIOSKCTL_BIN='"$(abspath $(KIOSKCTL))"' \
		-DFAKE_WLT_LIB='"$(abspath $(FAKE_WLT))"' -o $@ $< $(filter %.o,$^) \
		$(O)/libkiosk.a $(ALL_LDFLAGS) $(LIBS) $(TEST_LIBS)

# Fuzz targets replay their corpus under `make check`; `make fuzz` runs them with libFuzzer.
$(O)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(O)/libkiosk.a
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "  FUZZ    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -DCORPUS_DIR='"$(CURDIR)/tests/fuzz/corpus/$*"' -o $@ $< tests/fuzz/replay.c \
		$(filter %.o,$^) $(O)/libkiosk.a $(ALL_LDFLAGS) $(LIBS)

BARE := $(O)/bench/bare_home
$(BARE): bench/bare_home.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(LIBS)

$(O)/bench/bench_%: bench/bench_%.c $(O)/libkiosk.a
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "  BENCH   $@"
	$(Q)$(CC) $(ALL_CFLAGS) -DSRCDIR='"$(CURDIR)"' -DKIOSK_BIN='"$(abspath $(KIOSK))"' \
		-DBARE_BIN='"$(abspath $(BARE))"' -o $@ $< $(filter %.o,$^) $(O)/libkiosk.a $(ALL_LDFLAGS) $(LIBS) \
		$(BENCH_LIBS)
# The uplink bench runs the reference platform through the tests' own starter.
$(O)/bench/bench_uplink: BENCH_LIBS = $(TEST_LIBS)
$(O)/bench/bench_uplink: $(O)/tests/support/plat_proc.o $(PLATFORM)

# The terminal's disk image, RAUC bundles and the QEMU boot test (image/README.md). Slow: never part of check.
# IMAGE_BOARD= the board file; KIOSK_DEB= the kiosk package to install; IMAGE_VERSION= the bundle's version.
IMAGE_BOARD ?= image/board/x86-64.conf
IMAGE_DIR := $(O)/image
KIOSK_DEB ?=
IMAGE_VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo 0)
IMAGE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
IMAGE_ENV = SOURCE_DATE_EPOCH=$(IMAGE_EPOCH) IMAGE_VERSION=$(IMAGE_VERSION)
IMAGE_KEYS ?= $(IMAGE_DIR)/keys
# Without KIOSK_DEB, the package from make deb, copied only when its bytes change (it is reproducible).
IMAGE_DEB := $(if $(KIOSK_DEB),$(KIOSK_DEB),$(IMAGE_DIR)/kiosk.deb)
IMAGE_INPUTS := $(IMAGE_BOARD) image/packages.list $(shell find image/rootfs image/rauc -type f 2>/dev/null) \
	mk/image-rootfs.sh mk/image-customize.sh $(IMAGE_DEB)
IMAGE_TEST := $(IMAGE_DIR)/test

image-deps:
	@sh mk/deps.sh image

# Refreshes $(IMAGE_DIR)/kiosk.deb in a make of its own, before the one that builds the image, so the root file
# system is rebuilt only when the package's bytes changed.
image-deb:
ifeq ($(KIOSK_DEB),)
	@mkdir -p $(IMAGE_DIR)
	@d=$$($(MAKE) --no-print-directory -s deb | tail -n 1) && [ -f "$$d" ] && \
		{ cmp -s "$$d" $(IMAGE_DIR)/kiosk.deb || cp "$$d" $(IMAGE_DIR)/kiosk.deb; }
endif

$(IMAGE_KEYS)/ca.cert.pem:
	@sh mk/image-keys.sh $(IMAGE_KEYS)

$(IMAGE_DIR)/rootfs.tar: $(IMAGE_INPUTS) $(IMAGE_KEYS)/ca.cert.pem
	@echo "  MMDEBST $@"
	@t=$$(date +%s); $(IMAGE_ENV) sh mk/image-rootfs.sh $(IMAGE_BOARD) $@ $(IMAGE_KEYS)/ca.cert.pem $(IMAGE_DEB) \
		>$@.log 2>&1 || { tail -n 30 $@.log; exit 1; }; echo "rootfs: $@ in $$(($$(date +%s) - t)) s"

$(IMAGE_DIR)/disk.img: $(IMAGE_DIR)/rootfs.tar image/grub/grub.cfg mk/image-assemble.sh
	@$(IMAGE_ENV) sh mk/image-assemble.sh $(IMAGE_BOARD) $< $(IMAGE_DIR)

image: image-deps
	@$(MAKE) --no-print-directory image-deb
	@$(MAKE) --no-print-directory $(IMAGE_DIR)/disk.img

$(IMAGE_DIR)/kiosk.raucb: $(IMAGE_DIR)/disk.img mk/image-bundle.sh
	@$(IMAGE_ENV) sh mk/image-bundle.sh $(IMAGE_BOARD) $(IMAGE_DIR)/rootfs.ext4 $(IMAGE_KEYS) $@

bundle: image-deps
	@$(MAKE) --no-print-directory image-deb
	@$(MAKE) --no-print-directory $(IMAGE_DIR)/kiosk.raucb

# The boot test runs a test variant (tests/image/overlay-*: a root shell on the serial console, shorter health
# windows) and two bundles made from it: an update, and a broken one whose kiosk never gets ready.
$(IMAGE_TEST)/disk.img: $(IMAGE_DIR)/rootfs.tar image/grub/grub.cfg mk/image-assemble.sh \
		$(shell find tests/image/overlay-test -type f)
	@$(IMAGE_ENV) sh mk/image-assemble.sh $(IMAGE_BOARD) $< $(IMAGE_TEST) tests/image/overlay-test
$(IMAGE_TEST)/bundles/%.raucb: $(IMAGE_DIR)/rootfs.tar mk/image-assemble.sh mk/image-bundle.sh \
		$(shell find tests/image/overlay-test tests/image/overlay-update tests/image/overlay-broken -type f)
	@mkdir -p $(@D)
	@$(IMAGE_ENV) ROOTFS_ONLY=1 sh mk/image-assemble.sh $(IMAGE_BOARD) $< $(IMAGE_TEST)/$* \
		tests/image/overlay-test tests/image/overlay-$*
	@SOURCE_DATE_EPOCH=$(IMAGE_EPOCH) IMAGE_VERSION=$(IMAGE_VERSION)-$* \
		sh mk/image-bundle.sh $(IMAGE_BOARD) $(IMAGE_TEST)/$*/rootfs.ext4 $(IMAGE_KEYS) $@
	@rm -f $(IMAGE_TEST)/$*/rootfs.ext4

image-test: image-deps
	@$(MAKE) --no-print-directory image-deb
	@$(MAKE) --no-print-directory $(IMAGE_TEST)/disk.img $(IMAGE_TEST)/bundles/update.raucb \
		$(IMAGE_TEST)/bundles/broken.raucb
	@python3 tests/image/boot_test.py --board $(IMAGE_BOARD) --disk $(IMAGE_TEST)/disk.img \
		--bundles $(IMAGE_TEST)/bundles --log $(IMAGE_TEST)/console.log

deps-build:
	@sh mk/deps.sh build
deps-check:
	@sh mk/deps.sh check

# The kiosk in a window with simulated devices and the developer keys (README.md, "Driving it"), the reference
# platform on loopback, and a real IPP printer (ippeveprinter) for A4.
# READER=pty: the ID-card reader through the real serial backend, a simulated reader on a pty.
run: deps-build
	@$(MAKE) --no-print-directory all $(CAMFRAMES)
ifeq ($(READER),pty)
	@sh mk/run-pty.sh $(KIOSK) $(KIOSKCTL) $(abspath $(O))/run-pty $(O)/run-data $(RUN_ARGS)
else
	@CAMFRAMES=$(CAMFRAMES) sh mk/run.sh $(KIOSK) $(O)/run-data $(RUN_ARGS)
endif

# The image's scripts and configuration, in seconds (the image itself is make image).
IMAGE_CHECKS := tests/image/check-files.sh

build-tests: $(KIOSK) $(KIOSKCTL) $(PLATFORM) $(TEST_BIN) $(FUZZ_BIN) $(CAMFRAMES) $(DELIVER_CHECK)

# Every test, headless. Ends with "N passed, N failed".
check: deps-check
	@$(MAKE) --no-print-directory build-tests
	@sh mk/layering.sh
	@SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy KIOSK_LOG=warn $(SAN_ENV) \
		KIOSK_BIN=$(abspath $(KIOSK)) KIOSKCTL_BIN=$(abspath $(KIOSKCTL)) \
		sh mk/run-tests.sh $(sort $(TEST_BIN)) $(sort $(FUZZ_BIN)) $(PKG_TESTS) $(IMAGE_CHECKS)

# Long runs under ASan/LSan in their own build folder (mk/soak.sh): 10,000 journeys in one kiosk
# (leaks, RSS trend, delivery), 1,000 kill points of the crash loop. SOAK_JOURNEYS=, CRASH_POINTS=.
soak: deps-check
	@sh mk/soak.sh build-soak

bench: deps-check
	@$(MAKE) --no-print-directory $(KIOSK) $(BARE) $(BENCH_BIN)
	@for b in $(BENCH_BIN); do SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy $$b || exit 1; done

FUZZ_CC ?= clang
fuzz: deps-check
	@mkdir -p $(O)/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
		$(FUZZ_CC) -std=gnu11 -I. -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -o $(O)/fuzz/$$n $$f \
			$(LIB_SRC) tests/platform/plat_json.c $(LIBS) || exit 1; \
		mkdir -p $(O)/fuzz/$$n.corpus; \
		$(O)/fuzz/$$n -max_total_time=$${FUZZ_SECONDS:-60} $(O)/fuzz/$$n.corpus tests/fuzz/corpus/$${n#fuzz_} || exit 1; \
	done

format:
	clang-format -i $(wildcard */*.c */*.h ui/sdl/*.c ui/sdl/*.h tools/*/*.c tools/*/*.h tests/*/*.c tests/*/*.h)

tidy:
	clang-tidy $(LIB_SRC) kiosk/main.c $(wildcard tools/kioskctl/*.c) -- -std=gnu11 -I. $(PKG_CFLAGS)

install: all
	install -D -m 755 $(KIOSK) $(DESTDIR)$(PREFIX)/bin/kiosk
	install -D -m 755 $(KIOSKCTL) $(DESTDIR)$(PREFIX)/bin/kioskctl
	install -d $(DESTDIR)$(PREFIX)/share/kiosk
	cp -r assets/. $(DESTDIR)$(PREFIX)/share/kiosk/

# The Debian package for terminals (image/deb/README.md): $(O)/deb/kiosk_VERSION_ARCH.deb.
deb: deps-build
	@$(MAKE) --no-print-directory $(KIOSK) $(KIOSKCTL)
	@sh mk/deb.sh $(O)/deb $(KIOSK) $(KIOSKCTL)

clean:
	rm -rf $(O)

-include $(LIB_OBJ:.o=.d) $(PLAT_OBJ:.o=.d) $(KIOSKCTL_OBJ:.o=.d) $(O)/kiosk/main.d
