# Concord - one non-recursive Makefile.
#
# Knobs (set on the command line or in the environment):
#   MODE=debug|release     debug: -O0 -g; release: -O2 (default: debug)
#   SANITIZE=address,undefined   compile and link with -fsanitize=... (make test sets it)
#   WERROR=1               warnings are errors (CI sets it through CI=true)
#   BUILD=dir              where objects and binaries go (default build/$(MODE))
#
# Targets: all (default), run, test, unit, lint, format, format-check, bench, clean.
# Binaries: $(BUILD)/concord-api (API server + migrate/seed/admin commands),
#           $(BUILD)/concord-worker (job workers + scheduler), one test binary per tests/**/test_*.c.

MODE ?= debug
BUILD ?= build/$(MODE)
SANITIZE ?=
ifeq ($(CI),true)
WERROR ?= 1
endif
WERROR ?= 0

PKGS := libmicrohttpd jansson libpq hiredis libjwt libcurl openssl libargon2 xlsxwriter libzip libcgraph libgvc
TEST_PKGS := check

CC ?= gcc
CPPFLAGS += -Ilib -Idomain -Itenants -Iapi -Iworkers -D_GNU_SOURCE -MMD -MP
CFLAGS += -std=c17 -pthread -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-unused-parameter -Wno-missing-field-initializers -Wvla -fno-common
CFLAGS += $(shell pkg-config --cflags $(PKGS))
LDLIBS += $(shell pkg-config --libs $(PKGS)) -lm -pthread
ifeq ($(MODE),release)
CFLAGS += -O2 -g -DNDEBUG
else
CFLAGS += -O0 -g3
endif
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifeq ($(WERROR),1)
CFLAGS += -Werror
endif

LIB_SRC := $(wildcard lib/*.c) $(wildcard domain/*.c) $(wildcard tenants/*.c)
API_SRC := $(wildcard api/*.c)
WORKER_SRC := $(wildcard workers/*.c)
SUPPORT_SRC := $(wildcard tests/support/*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
# Test tools: every directory tests/tools/<name>/ builds $(BUILD)/tests/tools/<name>
# (for example a real OpenID Connect provider used by the SSO tests).
TOOL_DIRS := $(wildcard tests/tools/*)
TOOLS := $(patsubst tests/tools/%,$(BUILD)/tests/tools/%,$(TOOL_DIRS))
INTEG_TESTS := $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,$(wildcard tests/integration/test_*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
API_OBJ := $(API_SRC:%.c=$(BUILD)/%.o)
WORKER_OBJ := $(WORKER_SRC:%.c=$(BUILD)/%.o)
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)
# api/main.c and workers/main.c hold main(); everything else in api/ and workers/ is linkable
API_LIB_OBJ := $(filter-out $(BUILD)/api/main.o,$(API_OBJ))
WORKER_LIB_OBJ := $(filter-out $(BUILD)/workers/main.o,$(WORKER_OBJ))

.SECONDEXPANSION:
.PHONY: all run test unit lint format format-check bench clean
all: $(BUILD)/concord-api $(BUILD)/concord-worker

$(BUILD)/libconcord.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The API links the job implementations too (it validates schedulable job types and
# can render small reports synchronously); workers/main.o stays out.
$(BUILD)/concord-api: $(API_OBJ) $(WORKER_LIB_OBJ) $(BUILD)/libconcord.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/concord-worker: $(WORKER_OBJ) $(BUILD)/libconcord.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests: pure logic from lib/, domain/, tenants/ (and api/ or workers/ helpers).
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(API_LIB_OBJ) $(WORKER_LIB_OBJ) $(BUILD)/libconcord.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS))

# Integration tests talk HTTP to a running concord-api and use the support library.
$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(SUPPORT_OBJ) $(BUILD)/libconcord.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS))

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/support $(CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# objects of tool <name> go to $(BUILD)/tools-obj/<name>/ (the binary's own path is
# $(BUILD)/tests/tools/<name>, so the two must not share a directory)
tool_objs = $(patsubst tests/tools/%.c,$(BUILD)/tools-obj/%.o,$(wildcard tests/tools/$(1)/*.c))
$(BUILD)/tools-obj/%.o: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/support $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/tools/%: $$(call tool_objs,$$*) $(BUILD)/libconcord.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

tests-bin: $(UNIT_TESTS) $(INTEG_TESTS) $(TOOLS)
.PHONY: tests-bin

# The two commands of the README.
run:
	./scripts/run.sh

test:
	./scripts/test.sh

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

bench:
	./bench/run.sh

C_FILES := $(shell find lib domain tenants api workers tests bench -name '*.[ch]' 2>/dev/null)
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
		--inline-suppr --suppress=missingIncludeSystem --include=scripts/cppcheck-defs.h -Ilib -Idomain -Itenants -Iapi -Iworkers \
		lib domain tenants api workers

format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run --Werror $(C_FILES)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
