#!/bin/sh
# A custom runtime in plain shell: the Lambda Runtime API loop with curl. _HANDLER chooses the reply:
# "echo" answers {"event", "requestId", "invokedFunctionArn", "deadlineMs", ...}; "fail" reports a
# handled error through /error with an error type of its own.
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS=/tmp/headers
header() {
    grep -i "^$1:" "$HEADERS" | head -n 1 | cut -d: -f2- | tr -d ' \r\n'
}
echo "bootstrap started for ${_HANDLER}"
while true; do
    EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
    REQUEST_ID=$(header Lambda-Runtime-Aws-Request-Id)
    echo "handling ${REQUEST_ID}"
    case "$_HANDLER" in
    fail)
        curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/error" \
            -H "Lambda-Runtime-Function-Error-Type: Function.CustomError" -H "Content-Type: application/json" \
            --data-binary '{"errorMessage":"the shell handler gave up","errorType":"CustomError"}'
        ;;
    *)
        curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -H "Content-Type: application/json" \
            --data-binary "{\"event\":$EVENT,\"requestId\":\"$REQUEST_ID\",\"invokedFunctionArn\":\"$(header Lambda-Runtime-Invoked-Function-Arn)\",\"deadlineMs\":\"$(header Lambda-Runtime-Deadline-Ms)\",\"traceId\":\"$(header Lambda-Runtime-Trace-Id)\",\"functionName\":\"${AWS_LAMBDA_FUNCTION_NAME}\",\"handler\":\"${_HANDLER}\",\"executionEnv\":\"${AWS_EXECUTION_ENV:-}\",\"uid\":\"$(id -u)\"}"
        ;;
    esac
done
