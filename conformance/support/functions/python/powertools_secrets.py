"""A python3.x handler that reads secrets with aws-lambda-powertools' parameters utility, unmodified (its
zip carries the library, as users' deployment packages do), with no endpoint, credentials or region in its
code. The event lists the reads ({"reads": [{"name": "db", "transform": "json", "max_age": 300,
"force_fetch": true}]}); each answers the value powertools returned, or the exception it raised.
"""

import base64

from aws_lambda_powertools.utilities import parameters


def _read(read):
    options = {key: read[key] for key in ("transform", "max_age", "force_fetch") if key in read}
    try:
        value = parameters.get_secret(read["name"], **options)
    except Exception as error:  # what powertools surfaces: GetParameterError, TransformParameterError
        return {"error": type(error).__name__, "message": str(error)}
    if isinstance(value, bytes):
        return {"binary": base64.b64encode(value).decode()}
    return {"ok": value}


def handler(event, context):
    return {"reads": [_read(read) for read in event["reads"]]}
