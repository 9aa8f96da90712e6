"""A module that fails while it is imported: every environment's init fails the same way."""

print("IMPORTING the failing module", flush=True)
raise RuntimeError("the module cannot load")


def handler(event, context):
    return "unreachable"
