#!/usr/bin/env python3
"""Writes Bulwark's catalog of AWS managed policies from the iam-dataset (github.com/iann0036/iam-dataset, MIT).

Reads aws/managedpolicies/<Name>.json at one commit of a git copy of the dataset (a clone, or a bare mirror) and
writes two files into --output (see docs/decisions/0006-aws-managed-policies-dataset.md):

  aws-managed-policies.json       the index: {"source", "commit", "committed", "policies": [[name, path, version,
                                  created, updated, offset, length], ...]} in ARN order, dates in epoch seconds;
                                  offset/length locate the policy's document (bytes) in the documents file.
  aws-managed-policies-documents.json
                                  a JSON array of the default versions' documents (minified), in the same order.

Only the data is taken from the dataset; its analysis fields (effective_actions, privesc, ...) are dropped, and so
are deprecated policies, which the dataset records without ARN or update date.
"""

import argparse
import datetime
import json
import pathlib
import subprocess
import sys

POLICY_DIR = "aws/managedpolicies/"


def git(repo, *args, data=None):
    return subprocess.run(["git", "-C", repo, *args], input=data, capture_output=True, check=True).stdout


def blob_text(repo, commit, path):
    """The file at `commit`; when a partial copy lacks that blob, its newest stored version (reported)."""
    try:
        return git(repo, "show", f"{commit}:{path}"), None
    except subprocess.CalledProcessError:
        for older in git(repo, "log", "--format=%H", commit, "--", path).decode().split():
            try:
                return git(repo, "show", f"{older}:{path}"), older
            except subprocess.CalledProcessError:
                continue
    raise SystemExit(f"{path}: no stored version")


def epoch(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, help="git directory of iann0036/iam-dataset")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--output", required=True, type=pathlib.Path)
    args = parser.parse_args()

    commit = git(args.dataset, "rev-parse", args.commit).decode().strip()
    committed = git(args.dataset, "show", "-s", "--format=%cI", commit).decode().strip()
    names = [
        line for line in git(args.dataset, "ls-tree", "--name-only", commit, POLICY_DIR).decode().splitlines() if line.endswith(".json")
    ]
    entries, skipped = [], []
    for path in names:
        text, older = blob_text(args.dataset, commit, path)
        if older:
            print(f"warning: {path} taken from {older[:12]} (this copy lacks its version at {commit[:12]})", file=sys.stderr)
        policy = json.loads(text)
        # Deprecated policies are recorded without ARN (so without path) or update date: they cannot be served.
        if policy.get("deprecated") or not policy.get("arn"):
            skipped.append(policy["name"])
            continue
        arn = policy["arn"]
        prefix = "arn:aws:iam::aws:policy"
        if not arn.startswith(prefix + "/") or not arn.endswith("/" + policy["name"]):
            raise SystemExit(f"{path}: unexpected ARN {arn}")
        entries.append(
            {
                "arn": arn,
                "name": policy["name"],
                "path": arn[len(prefix) : -len(policy["name"])],
                "version": policy["version"],
                "created": epoch(policy["createdate"]),
                "updated": epoch(policy["updatedate"]),
                "document": json.dumps(policy["document"], separators=(",", ":"), ensure_ascii=False).encode(),
            }
        )
    entries.sort(key=lambda entry: entry["arn"])

    documents = bytearray(b"[")
    index = []
    for number, entry in enumerate(entries):
        if number:
            documents += b","
        index.append(
            [entry["name"], entry["path"], entry["version"], entry["created"], entry["updated"], len(documents), len(entry["document"])]
        )
        documents += entry["document"]
    documents += b"]"

    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "aws-managed-policies-documents.json").write_bytes(bytes(documents))
    header = {"source": "https://github.com/iann0036/iam-dataset", "commit": commit, "committed": committed, "policies": index}
    (args.output / "aws-managed-policies.json").write_text(json.dumps(header, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"{len(index)} policies, documents {len(documents)} bytes; {len(skipped)} deprecated left out")


if __name__ == "__main__":
    main()
