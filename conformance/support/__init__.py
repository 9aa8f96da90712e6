"""Helpers of the conformance suite: deployment packages, raw HTTP, function set-up and error checks."""
