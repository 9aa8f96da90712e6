# Code generation from botocore's service models (bulwark-codegen).
# Included by the main Makefile; usable alone as `make -f codegen/generate.mk generate`.
#
#   make generate          regenerate Sources/<Module>/Generated from codegen/services.json
#   make check-generated   regenerate into a temporary directory and fail if the committed files differ

SWIFT ?= swift
# The project's virtual environment pins botocore (conformance/requirements.txt); use it when it exists.
CODEGEN_PYTHON ?= $(or $(if $(VENV),$(wildcard $(VENV)/bin/python)),python3)
CODEGEN_CONFIG ?= codegen/services.json
# Deferred (`?=`), so the Python look-ups run only when a codegen target needs them.
BOTOCORE_DATA ?= $(shell $(CODEGEN_PYTHON) -c "import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),'data'))")
BOTOCORE_VERSION ?= $(shell $(CODEGEN_PYTHON) -c 'import botocore;print(botocore.__version__)')

CODEGEN_RUN = "$$($(SWIFT) build --product bulwark-codegen --show-bin-path)/bulwark-codegen" \
	--config "$(CODEGEN_CONFIG)" --botocore-data "$(BOTOCORE_DATA)" --botocore-version "$(BOTOCORE_VERSION)"

.PHONY: generate check-generated codegen-tool generate-service-principals

codegen-tool:
	@test -d "$(BOTOCORE_DATA)" || { echo "botocore's data directory not found: pip install botocore, or set BOTOCORE_DATA" >&2; exit 1; }
	$(SWIFT) build --product bulwark-codegen

generate: codegen-tool
	$(CODEGEN_RUN) --output-root .

check-generated: codegen-tool
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(CODEGEN_RUN) --output-root "$$tmp" >/dev/null && \
	status=0 && \
	for dir in $$(cd "$$tmp" && find . -type d -name Generated | sort); do \
		diff -ru "$$dir" "$$tmp/$$dir" || status=1; \
	done && \
	if [ $$status -ne 0 ]; then echo "generated files differ from botocore $(BOTOCORE_VERSION): run make generate" >&2; fi && \
	exit $$status

# The AWS managed policy catalog (docs/decisions/0006-aws-managed-policies-dataset.md), regenerated from a
# git copy of https://github.com/iann0036/iam-dataset; the committed output is the truth, `make test` does not run it:
#   make managed-policies IAM_DATASET=<clone> [IAM_DATASET_COMMIT=<commit>]
IAM_DATASET ?=
IAM_DATASET_COMMIT ?= HEAD

.PHONY: managed-policies
managed-policies:
	@test -n "$(IAM_DATASET)" || { echo "set IAM_DATASET to a git clone of https://github.com/iann0036/iam-dataset" >&2; exit 1; }
	$(CODEGEN_PYTHON) codegen/managed_policies.py --dataset "$(IAM_DATASET)" --commit "$(IAM_DATASET_COMMIT)" \
		--output Sources/IAM/Managed/Resources

# The service principals IAM accepts in trust policies, from the pinned botocore (see the script).
generate-service-principals:
	$(CODEGEN_PYTHON) codegen/service_principals.py Sources/IAM/Policy/ServicePrincipalCatalog+Data.swift
