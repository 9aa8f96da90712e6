// A nodejs handler (ES module): echoes what it sees; {"action": "throw"} throws, "reject" rejects.
import { randomUUID } from "node:crypto";

const token = randomUUID();
let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  if (event.action === "throw") {
    throw new TypeError("the node handler failed");
  }
  if (event.action === "reject") {
    return Promise.reject(new RangeError("the node handler rejected"));
  }
  console.log(`node handling ${context.awsRequestId}`);
  return {
    event,
    awsRequestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
    remainingMs: context.getRemainingTimeInMillis(),
    executionEnv: process.env.AWS_EXECUTION_ENV,
    nodeVersion: process.version,
    token,
    invocations,
  };
};
