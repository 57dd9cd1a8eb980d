# Build, test and demonstrate xmpp-cli. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2> /dev/null || echo /opt/swift/usr/bin/swift)

.PHONY: all build deps test demo clean

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

## clean: remove build products
clean:
	rm -rf .build
