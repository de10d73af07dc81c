# Makefile for the datamesh extension (PGXS)

EXTENSION = datamesh
MODULE_big = datamesh
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA = $(wildcard datamesh--*.sql)
PGFILEDESC = "datamesh - data mesh layout, products and contracts"

PG_CONFIG ?= pg_config
PKG_CONFIG ?= pkg-config

PG_CPPFLAGS = -Isrc $(shell $(PKG_CONFIG) --cflags jansson)
SHLIB_LINK = $(shell $(PKG_CONFIG) --libs jansson)

# pg_regress: one feature per file, in this order (setup first, cleanup last)
REGRESS = setup domain domain_input settings rule_products rule_dependencies \
	products masking mask_fuzz pseudonyms leaks fail_closed masking_generative \
	rule_grants rule_schemas raw_metadata ownership enforce labels \
	privileges cleanup
REGRESS_OPTS = --inputdir=. --load-extension=plpgsql

# isolation specs live in test/specs, their expected output in test/expected
ISOLATION = create_domain_race publish_label_race
ISOLATION_OPTS = --inputdir=test

# TAP tests live in test/t and run with "make tap" as a non-root user
# (initdb refuses root); not part of installcheck
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = output_iso tmp_check test/bench/out test/fuzz/fuzz_labels \
	test/fuzz/fuzz_siphash test/fuzz/corpus_labels test/fuzz/corpus_siphash

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: test demo bench tap fuzz generative print-regress

# the regression files, for test/run-all.sh
print-regress:
	@echo $(REGRESS)

# every suite, with set-up of a fresh Debian machine (needs root or sudo)
test:
	bash test/run-all.sh

demo:
	bash test/demo.sh

bench:
	bash test/bench/run.sh
	bash test/bench/masking.sh

tap:
	$(prove_installcheck)

# the generative masking test with more scenarios than the suite's 300
SCENARIOS ?= 3000
generative:
	pg_virtualenv -t psql -X -q -v ON_ERROR_STOP=1 -v scenarios=$(SCENARIOS) \
		-f sql/masking_generative.sql

# libFuzzer harnesses for the pure C parts (needs clang and libclang-rt-dev);
# FUZZ_SECONDS per harness
FUZZ_SECONDS ?= 60
FUZZ_CC ?= $(CLANG)
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Isrc -I$(shell $(PG_CONFIG) --includedir-server)

test/fuzz/fuzz_labels: test/fuzz/fuzz_labels.c src/strategy.c src/strategy.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_labels.c src/strategy.c

test/fuzz/fuzz_siphash: test/fuzz/fuzz_siphash.c src/siphash.c src/siphash.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_siphash.c src/siphash.c

fuzz: test/fuzz/fuzz_labels test/fuzz/fuzz_siphash
	mkdir -p test/fuzz/corpus_labels test/fuzz/corpus_siphash
	printf 'pii:partial(2,3)' > test/fuzz/corpus_labels/seed1
	printf 'pii:bucket(1000.5)' > test/fuzz/corpus_labels/seed2
	printf 'pii:email' > test/fuzz/corpus_labels/seed3
	test/fuzz/fuzz_labels -max_total_time=$(FUZZ_SECONDS) test/fuzz/corpus_labels
	test/fuzz/fuzz_siphash -max_total_time=$(FUZZ_SECONDS) test/fuzz/corpus_siphash
