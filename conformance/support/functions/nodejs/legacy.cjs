// A nodejs handler (CommonJS module).
exports.handler = async (event) => ({ module: "commonjs", event });
