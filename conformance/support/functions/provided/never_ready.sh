#!/bin/sh
# A bootstrap that never asks for an invocation: the platform must time it out.
echo "bootstrap sleeping instead of calling /next"
exec sleep 600
