# Build, test and demonstrate xmpp-cli. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2> /dev/null || echo /opt/swift/usr/bin/swift)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build deps test fuzz test-sanitize memcheck demo clean generated man completions install uninstall deb dist

all: build

# Debug builds carry DWARF 4, which valgrind 3.19 reads (Swift writes DWARF 5 by default),
# so that `make test`'s memcheck runs the build the tests ran instead of making its own.
DEBUG_FLAGS = -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4

## build: compile the package (debug)
build:
	$(SWIFT) build $(DEBUG_FLAGS)

## deps: install the Debian packages the build and the tests need (only the missing ones),
## and the OMEMO test peer (slixmpp-omemo, pinned, in .build/omemo-venv)
deps:
	scripts/install-deps
	scripts/install-omemo-peer

## test: unit and integration tests (the integration tests start their own Prosody), then
## 5 s of each fuzz target (its seeds replayed, then a smoke; `make fuzz` for longer), the
## unit tests under AddressSanitizer and the valgrind memcheck (scripts/run-tests, which
## also builds what the later steps need while the tests run)
test: deps
	SWIFT=$(SWIFT) scripts/run-tests

## fuzz: run each libFuzzer target (Tests/Fuzz) FUZZ_SECONDS seconds, one after another;
## fails on any crash, hang, leak or broken invariant and says where the input is saved
FUZZ_SECONDS ?= 30
fuzz: deps
	SWIFT=$(SWIFT) scripts/fuzz --seconds $(FUZZ_SECONDS)

## test-sanitize: the unit tests under AddressSanitizer (in .build-sanitize); fails on any
## report (swiftc has no UndefinedBehaviorSanitizer on Linux: see the script)
test-sanitize: deps
	SWIFT=$(SWIFT) scripts/test-sanitize

## memcheck: a send and a listen session against a throwaway Prosody under valgrind;
## fails on memory definitely lost
memcheck: deps
	SWIFT=$(SWIFT) scripts/memcheck

## demo: alice sends bob a message with xmpp-cli through a throwaway Prosody
demo: deps build
	SWIFT=$(SWIFT) scripts/demo

## generated: regenerate the man pages (man/) and the shell completions (completions/)
## from the argument definitions; commit the result (a test compares them with the binary)
generated:
	SWIFT=$(SWIFT) scripts/generate-docs

## man, completions: both are made by one generation
man completions: generated

## install: build the release binary (scripts/build-release: the Swift runtime linked in, so
## it runs without the toolchain; in RELEASE_SCRATCH, .build by default), install it, the man
## pages and the completions under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local by default)
RELEASE_SCRATCH ?= .build
install:
	binary="$$(SWIFT='$(SWIFT)' scripts/build-release --scratch-path '$(RELEASE_SCRATCH)')" && \
	    PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install install "$$binary"

## uninstall: remove exactly the files install installs
uninstall:
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install uninstall

## deb: the Debian package DIST_DIR/xmpp-cli_VERSION_ARCH.deb of the release binary, with the
## man pages, the completions where Debian's shells look, copyright and changelog; Depends
## computed by dpkg-shlibdeps (scripts/package-deb). Install it with apt install ./xmpp-cli_*.deb
DIST_DIR ?= .
deb:
	binary="$$(SWIFT='$(SWIFT)' scripts/build-release --scratch-path '$(RELEASE_SCRATCH)')" && \
	    scripts/package-deb --output '$(DIST_DIR)' "$$binary"

## dist: the release tarball DIST_DIR/xmpp-cli-VERSION-linux-MACHINE.tar.gz (and its .sha256):
## binary, man pages, completions, install.sh with PREFIX and DESTDIR, SHA256SUMS (scripts/package-dist)
dist:
	binary="$$(SWIFT='$(SWIFT)' scripts/build-release --scratch-path '$(RELEASE_SCRATCH)')" && \
	    scripts/package-dist --output '$(DIST_DIR)' "$$binary"

## clean: remove build products
clean:
	rm -rf .build .build-fuzz .build-sanitize .build-memcheck
