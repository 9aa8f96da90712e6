/// Execution: runtimes catalog, sandboxes, the Runtime API, the environment pool, invoke and the
/// async queue (DESIGN §2–§3).
enum Execution {}
