// Preloaded with `node --import` by scripts/rss-modules.mjs: records every module the process resolves (ES modules
// and require()) with the module that asked for it first, and on SIGUSR2 writes them and the process's memory to
// $RSS_MODULES_OUT. Dev tool only; the bridge knows nothing of it.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

const seen = new Map();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    if (!seen.has(r.url)) seen.set(r.url, context.parentURL ?? null);
    return r;
  },
});

process.on("SIGUSR2", () => {
  const out = process.env.RSS_MODULES_OUT;
  if (!out) return;
  const heap = getHeapStatistics();
  writeFileSync(
    out,
    JSON.stringify({
      memory: process.memoryUsage(),
      heap: { used: heap.used_heap_size, total: heap.total_heap_size },
      spaces: Object.fromEntries(
        getHeapSpaceStatistics().map((x) => [x.space_name, { size: x.space_size, used: x.space_used_size }]),
      ),
      modules: [...seen],
    }),
  );
});
