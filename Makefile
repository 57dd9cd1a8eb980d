# Build, test and demonstrate xmpp-cli. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2> /dev/null || echo /opt/swift/usr/bin/swift)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build deps test demo clean generated man completions install uninstall

all: build

## build: compile the package (debug)
build:
	$(SWIFT) build

## deps: install the Debian packages the build and the tests need (only the missing ones)
deps:
	scripts/install-deps

## test: unit and integration tests; the integration tests start their own Prosody
test: deps
	$(SWIFT) build
	$(SWIFT) test --disable-swift-testing

## demo: alice sends bob a message with xmpp-cli through a throwaway Prosody
demo: deps build
	SWIFT=$(SWIFT) scripts/demo

## generated: regenerate the man pages (man/) and the shell completions (completions/)
## from the argument definitions; commit the result (a test compares them with the binary)
generated:
	SWIFT=$(SWIFT) scripts/generate-docs

## man, completions: both are made by one generation
man completions: generated

## install: build the release binary, install it, the man pages and the completions
## under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local by default)
install:
	$(SWIFT) build -c release --product xmpp-cli
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install install "$$($(SWIFT) build -c release --show-bin-path)/xmpp-cli"

## uninstall: remove exactly the files install installs
uninstall:
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install uninstall

## clean: remove build products
clean:
	rm -rf .build
