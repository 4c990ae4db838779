// Child of scripts/rss-modules.mjs: the RSS and heap a module costs when imported alone in a fresh process (with
// everything it imports). argv: the module's URL. Prints {rssMb, heapMb}. Run with --expose-gc.
const gc = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
};
gc();
const before = process.memoryUsage();
await import(process.argv[2]);
await new Promise((r) => setTimeout(r, 200));
gc();
const after = process.memoryUsage();
const mb = (x) => Math.round((x / 1048576) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ rssMb: mb(after.rss - before.rss), heapMb: mb(after.heapUsed - before.heapUsed) })}\n`,
);
process.exit(0);
