# The two set-up commands of the README: `make demo` and `make test`.
SWIFT ?= swift
CATALYST := .build/debug/catalyst
RELEASE_CATALYST := .build/release/catalyst

.PHONY: deps build release demo test bench clean-db

deps:
	@tools/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Installs what is missing, builds, starts the embedded database, migrates and runs the main job.
demo: build
	$(CATALYST) db start
	$(CATALYST) migrate
	$(CATALYST) demo

# Checks the doc references, installs what is missing, builds (a compiler warning from our code fails
# the build), then runs the fast application target without a database and every other test against
# PostgreSQL clusters the tests start.
test:
	@tools/check-doc-refs
	@tools/install-deps.sh --test
	tools/build-checked.sh $(SWIFT)
	SWIFT=$(SWIFT) tools/run-tests.sh

# Benchmarks (release build); see docs/performance.md.
bench: release
	$(RELEASE_CATALYST) bench append
	$(RELEASE_CATALYST) bench read
	$(RELEASE_CATALYST) bench archive

clean-db:
	-$(CATALYST) db stop
	rm -rf .catalyst
