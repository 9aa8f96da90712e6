"""The no-op python function of the warm-invoke and cold-start benchmarks."""


def handler(event, context):
    return {}
