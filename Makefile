# Bulwark — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON := $(VENV)/bin/python
SWIFT ?= swift
DATA_DIR ?= .bulwark
APT_PACKAGES := bubblewrap zip curl python3 libc6-dev
# The Python runtimes Bulwark serves use a python3.X of this machine with AWS's runtime interface client.
AWSLAMBDARIC := awslambdaric==4.2.2
# AWS's Python runtimes include the SDK, so functions can `import boto3` with no package of their own.
RUNTIME_SDK := boto3==1.43.11 botocore==1.43.11
# The Python versions (3.10 to 3.14, AWS's current runtimes) this machine has an interpreter of, where Bulwark
# looks for them: the system's, /opt installations, pyenv's and uv's (`uv python install 3.13` adds one).
PYTHON_DIRECTORIES := /usr/bin /usr/local/bin /opt/*/bin $${PYENV_ROOT:-$$HOME/.pyenv}/versions/*/bin \
	$${UV_PYTHON_INSTALL_DIR:-$$HOME/.local/share/uv/python}/*/bin
PYTHON_RUNTIMES := $(shell for version in 3.10 3.11 3.12 3.13 3.14; do \
	for directory in $(PYTHON_DIRECTORIES); do \
		if [ -x "$$directory/python$$version" ]; then echo "python$$version"; break; fi; \
	done; done)
RUNTIMES_DIR := .runtimes
# Libraries that conformance functions carry in their deployment packages, as users' functions do
# (aws-lambda-powertools): pure-Python wheels, installed once from PyPI and zipped into each such function.
FUNCTION_PACKAGES_DIR := $(RUNTIMES_DIR)/function-packages

include codegen/generate.mk

.PHONY: help run test deps system-deps python-deps runtimes build build-release unit conformance bench lint format clean \
	fuzz fuzz-smoke

help:
	@echo "make run   - install what is missing, build, and start Bulwark on 127.0.0.1:4566 (data in $(DATA_DIR))"
	@echo "make test  - the whole suite: lint, generated models, Swift unit tests, a short fuzzing run, conformance tests with boto3 and the aws CLI"
	@echo "make fuzz  - run every fuzz target for 10^6 executions"

run: deps build-release
	.build/release/bulwark serve --data-dir $(DATA_DIR) --runtimes-dir $(RUNTIMES_DIR)

test: deps lint check-generated unit fuzz-smoke conformance

# The generator reads botocore from the project's virtual environment (codegen/generate.mk), so that
# `check-generated` compares with the models of the pinned botocore.
codegen-tool: python-deps

deps: system-deps python-deps runtimes

# System packages come from Debian; the Swift toolchain must already be installed.
system-deps:
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6 is required (https://www.swift.org/install/linux/); it is not a Debian package." >&2; exit 1; }
	@missing=""; \
	for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

# Python packages come from PyPI, into a virtual environment of the project.
python-deps: $(VENV)/.installed

$(VENV)/.installed: conformance/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r conformance/requirements.txt
	touch $@

# awslambdaric and the SDK for each Python version found (their prebuilt wheels: no compiler needed).
runtimes: $(foreach runtime,$(PYTHON_RUNTIMES),$(RUNTIMES_DIR)/$(runtime)/.installed) $(FUNCTION_PACKAGES_DIR)/.installed
	@echo "Python runtimes installed: $(or $(PYTHON_RUNTIMES),none)$(if $(PYTHON_RUNTIMES),, (install an interpreter, e.g. uv python install 3.13, then make runtimes))"

$(RUNTIMES_DIR)/python%/.installed: $(VENV)/.installed Makefile
	rm -rf $(RUNTIMES_DIR)/python$*
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(RUNTIMES_DIR)/python$* \
		--only-binary=:all: --implementation cp --python-version $* \
		--platform manylinux2014_$(shell uname -m) $(AWSLAMBDARIC) $(RUNTIME_SDK)
	@# Compiled by that Python, as AWS ships them: sandboxes cannot write bytecode, and compiling botocore
	@# at each cold start takes seconds.
	interpreter=$$(for directory in $(PYTHON_DIRECTORIES); do \
		if [ -x "$$directory/python$*" ]; then echo "$$directory/python$*"; break; fi; done); \
		"$$interpreter" -m compileall -q $(RUNTIMES_DIR)/python$* >/dev/null
	touch $@

# For the oldest runtime (3.10): the wheels are pure Python, so one directory serves every python3.X.
$(FUNCTION_PACKAGES_DIR)/.installed: $(VENV)/.installed conformance/function-requirements.txt
	rm -rf $(FUNCTION_PACKAGES_DIR)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(FUNCTION_PACKAGES_DIR) \
		--only-binary=:all: --implementation cp --python-version 3.10 \
		--platform manylinux2014_$(shell uname -m) -r conformance/function-requirements.txt
	touch $@

build:
	$(SWIFT) build

build-release:
	$(SWIFT) build -c release

# The tests' temporary files (data directories, staging) go to a directory of this run, removed afterwards;
# short, under /tmp, so that sandbox sockets fit, and traversable by the sandboxes' users.
unit:
	$(SWIFT) build --build-tests
	@scratch=$$(mktemp -d /tmp/bulwark-unit.XXXXXX) && chmod 711 $$scratch; \
	TMPDIR=$$scratch $(SWIFT) test --skip-build 2>&1 | tee .build/unit-tests.log; status=$${PIPESTATUS[0]}; \
	rm -rf $$scratch; exit $$status

conformance: build python-deps runtimes
	BULWARK_BIN=$(CURDIR)/.build/debug/bulwark BULWARK_RUNTIMES_DIR=$(CURDIR)/$(RUNTIMES_DIR) PATH=$(CURDIR)/$(VENV)/bin:$$PATH \
		$(PYTHON) -m pytest conformance -q

# libFuzzer targets (fuzz/Package.swift) over the parsers of untrusted input, built with the fuzzer's
# instrumentation in .build-fuzz; each fails on a crash, a failed invariant or a hang (an input over 10 s).
# `fuzz` runs 10^6 executions per target (at most 30 minutes each: SigV4 needs about 20); `fuzz-smoke`,
# part of `make test`, 20000 per target (at most 15 s each; about 5 minutes with the sanitizer build).
fuzz:
	SWIFT=$(SWIFT) fuzz/run.sh 1000000 1800

fuzz-smoke:
	SWIFT=$(SWIFT) fuzz/run.sh 20000 15

# Benchmarks (not part of `make test`): a release build, the load client and the micro-benchmarks,
# moto's server as a peer in its own virtual environment; numbers in docs/PERFORMANCE.md and
# benchmarks/results/latest.json. `make bench BENCH_ARGS=--quick` for a short run.
BENCH_VENV := .bench-venv

bench: deps $(BENCH_VENV)/.installed
	$(SWIFT) build -c release --product bulwark
	$(SWIFT) build -c release --product bulwark-init
	$(SWIFT) build -c release --product bulwark-load
	$(SWIFT) build -c release --product bulwark-benchmarks
	$(BENCH_VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

$(BENCH_VENV)/.installed: benchmarks/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	touch $@

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests benchmarks fuzz/Sources Package.swift fuzz/Package.swift

format:
	$(SWIFT) format --in-place --recursive Sources Tests benchmarks fuzz/Sources Package.swift fuzz/Package.swift

clean:
	rm -rf .build .build-fuzz $(VENV) $(BENCH_VENV)
