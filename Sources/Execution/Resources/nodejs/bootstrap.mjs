// Bulwark's Node.js runtime client: the Lambda Runtime API loop for `nodejsN.x` functions.
// It loads the handler named by _HANDLER (`file.export`, file relative to LAMBDA_TASK_ROOT, .mjs,
// .cjs or .js), then asks for invocations and posts their results, as AWS's Node.js runtime does.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const [apiHost, apiPort] = api.split(":");
const taskRoot = process.env.LAMBDA_TASK_ROOT || "/var/task";
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: apiHost, port: Number(apiPort), method, path: `/2018-06-01/runtime/${route}`, agent, headers },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      },
    );
    request.on("error", reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

function errorObject(error) {
  const value = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: value.name || "Error",
    errorMessage: value.message || "",
    trace: typeof value.stack === "string" ? value.stack.split("\n") : [],
  };
}

async function post(route, payload, errorType) {
  const body = Buffer.from(JSON.stringify(payload));
  const headers = { "Content-Type": "application/json", "Content-Length": body.length };
  if (errorType) headers["Lambda-Runtime-Function-Error-Type"] = errorType;
  const response = await call("POST", route, body, headers);
  if (response.status >= 300) {
    console.error(`[ERROR] Runtime API answered ${response.status} to ${route}: ${response.body}`);
    process.exit(1);
  }
}

async function loadHandler() {
  const spec = process.env._HANDLER || "";
  const dot = spec.lastIndexOf(".");
  if (dot <= 0) throw Object.assign(new Error(`Bad handler ${spec}`), { name: "Runtime.MalformedHandlerName" });
  const modulePath = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const base = path.resolve(taskRoot, modulePath);
  const candidates = [".mjs", ".cjs", ".js"].map((extension) => base + extension).filter((file) => existsSync(file));
  if (candidates.length === 0) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), { name: "Runtime.ImportModuleError" });
  }
  const file = candidates[0];
  const loaded = file.endsWith(".cjs") ? createRequire(import.meta.url)(file) : await import(pathToFileURL(file).href);
  const handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== "function") {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), { name: "Runtime.HandlerNotFound" });
  }
  return handler;
}

function context(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: headers["lambda-runtime-client-context"] ? JSON.parse(headers["lambda-runtime-client-context"]) : undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  const failure = errorObject(error);
  console.error(`${failure.errorType}: ${failure.errorMessage}`);
  await post("init/error", failure, failure.errorType.startsWith("Runtime.") ? failure.errorType : "Runtime.Unknown");
  process.exit(1);
}

for (;;) {
  const next = await call("GET", "invocation/next");
  const id = next.headers["lambda-runtime-aws-request-id"];
  process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] || "";
  try {
    const event = next.body.length ? JSON.parse(next.body.toString("utf8")) : {};
    const result = await new Promise((resolve, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolve(value));
      const returned = handler(event, context(next.headers), callback);
      if (returned && typeof returned.then === "function") returned.then(resolve, reject);
    });
    await post(`invocation/${id}/response`, result === undefined ? null : result);
  } catch (error) {
    const failure = errorObject(error);
    console.error(`${new Date().toISOString()}\t${id}\tERROR\tInvoke Error \t${JSON.stringify(failure)}`);
    await post(`invocation/${id}/error`, failure, "Runtime.UnhandledPromiseRejection");
  }
}
