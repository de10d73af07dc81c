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
	privileges contracts contract_documents catalog ingest lint lineage mesh_graph cleanup
REGRESS_OPTS = --inputdir=. --load-extension=plpgsql

# isolation specs live in test/specs, their expected output in test/expected
ISOLATION = create_domain_race publish_label_race contract_ddl_race tag_race
ISOLATION_OPTS = --inputdir=test

# TAP tests live in test/t and run with "make tap" as a non-root user
# (initdb refuses root); not part of installcheck
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = output_iso tmp_check test/bench/out test/fuzz/fuzz_labels \
	test/fuzz/fuzz_siphash test/fuzz/corpus_labels test/fuzz/corpus_siphash \
	test/fuzz/fuzz_contract test/fuzz/corpus_contract \
	test/fuzz/fuzz_detect test/fuzz/corpus_detect

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: test demo bench tap fuzz fuzz-check generative print-regress

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
	bash test/bench/contracts.sh
	bash test/bench/catalog.sh

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

# says what to install when clang or its libFuzzer runtime is missing
fuzz-check:
	@if [ -z "$(FUZZ_CC)" ] || ! command -v $(FUZZ_CC) >/dev/null 2>&1 || \
		! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
		$(FUZZ_CC) -fsanitize=fuzzer -x c -o /dev/null - >/dev/null 2>&1; then \
		echo "make fuzz needs clang with libFuzzer (FUZZ_CC=\"$(FUZZ_CC)\");" \
			"on Debian: apt-get install clang-14 libclang-rt-14-dev" >&2; \
		exit 1; \
	fi

test/fuzz/fuzz_labels: test/fuzz/fuzz_labels.c src/strategy.c src/strategy.h | fuzz-check
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_labels.c src/strategy.c

test/fuzz/fuzz_siphash: test/fuzz/fuzz_siphash.c src/siphash.c src/siphash.h | fuzz-check
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_siphash.c src/siphash.c

test/fuzz/fuzz_contract: test/fuzz/fuzz_contract.c src/json.c src/json.h src/contract.c src/contract.h | fuzz-check
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_contract.c src/json.c src/contract.c \
		$(shell $(PKG_CONFIG) --cflags --libs jansson)

test/fuzz/fuzz_detect: test/fuzz/fuzz_detect.c src/detect.c src/detect.h | fuzz-check
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ test/fuzz/fuzz_detect.c src/detect.c

fuzz: fuzz-check test/fuzz/fuzz_labels test/fuzz/fuzz_siphash test/fuzz/fuzz_contract \
		test/fuzz/fuzz_detect
	mkdir -p test/fuzz/corpus_labels test/fuzz/corpus_siphash test/fuzz/corpus_contract \
		test/fuzz/corpus_detect
	printf 'pii:partial(2,3)' > test/fuzz/corpus_labels/seed1
	printf 'pii:bucket(1000.5)' > test/fuzz/corpus_labels/seed2
	printf 'pii:email' > test/fuzz/corpus_labels/seed3
	printf '%s' '{"apiVersion":"v3.1.0","kind":"DataContract","id":"sales.orders","name":"orders","version":"1.2.0","status":"active","domain":"sales","description":{"purpose":"orders"},"schema":[{"name":"orders","physicalName":"sales_data_products.orders","properties":[{"name":"order_id","physicalType":"uuid","logicalType":"string","required":true,"unique":true,"primaryKey":true,"primaryKeyPosition":1},{"name":"email","physicalType":"text","logicalType":"string","customProperties":[{"property":"pii","value":"email"},{"property":"deprecated","value":true},{"property":"endOfSupport","value":"2026-06-30"}]},{"name":"amount","physicalType":"numeric(12,2)","logicalType":"number","logicalTypeOptions":{"minimum":0,"exclusiveMaximum":1e6},"quality":[{"metric":"invalidValues","mustBeLessThan":5,"unit":"percent","arguments":{"validValues":["a",1]}}]}],"quality":[{"id":"not_empty","metric":"rowCount","mustBeGreaterThan":0},{"type":"sql","query":"SELECT 1","mustBeBetween":[0,10]}]}],"slaProperties":[{"property":"freshness","value":4,"unit":"h"},{"property":"retention","value":"P1Y2M"}],"customProperties":[{"property":"compatibility","value":"FULL_TRANSITIVE"},{"property":"deprecationNoticeDays","value":90},{"property":"endOfSupport","value":"2027-01-01"}]}' \
		> test/fuzz/corpus_contract/seed1
	printf '%s' '{"apiVersion":"v3.0.2","kind":"DataContract","id":"x","version":"1.0.0","status":"draft","team":[{"username":"u"}],"servers":[{"server":"s","type":"postgresql","host":"h","port":5432,"database":"d","schema":"s"}],"schema":[{"name":"t","relationships":[{"from":"t.a","to":"u.b"}],"properties":[{"name":"a","logicalType":"array","items":{"logicalType":"object","properties":[{"name":"b","logicalType":"date"}]}}]}]}' \
		> test/fuzz/corpus_contract/seed2
	printf '%s' '{"apiVersion":"v3.1.0","kind":"DataContract","id":"x","version":"1.0","status":"a","schema":[{"name":"t","properties":[{"name":"a","logicalType":"text"}]}]}' \
		> test/fuzz/corpus_contract/seed3
	printf '%s' '{"apiVersion":"v3.1.0","kind":"DataContract","id":"x","version":"1.0.0","status":"a","id":"y"' \
		> test/fuzz/corpus_contract/seed4
	test/fuzz/fuzz_labels -max_total_time=$(FUZZ_SECONDS) test/fuzz/corpus_labels
	test/fuzz/fuzz_siphash -max_total_time=$(FUZZ_SECONDS) test/fuzz/corpus_siphash
	test/fuzz/fuzz_contract -max_total_time=$(FUZZ_SECONDS) test/fuzz/corpus_contract
	printf 'alice@example.com' > test/fuzz/corpus_detect/seed1
	printf 'DE89 3704 0044 0532 0130 00' > test/fuzz/corpus_detect/seed2
	printf '4111-1111-1111-1111' > test/fuzz/corpus_detect/seed3
	printf '2001:db8::ffff:192.0.2.1' > test/fuzz/corpus_detect/seed4
	printf '+49 (0)30 1234567' > test/fuzz/corpus_detect/seed5
	printf 'customerIPAddress_e_mail' > test/fuzz/corpus_detect/seed6
	test/fuzz/fuzz_detect -max_total_time=$(FUZZ_SECONDS) test/fuzz/corpus_detect
