// node scripts/bench-logger.mjs (after npm run build): the cost of a debug call whose level is off for its
// namespace, the bridge's hottest logging path. A measurement, not a test: it was a unit test with a 200 ns bound,
// which a loaded machine or coverage instrumentation could break. Expect a few to a few tens of ns per call.
import { createLogger } from "../dist/util/logger.js";

const logger = createLogger({ level: "info", output: [], namespacedLevels: { "zh:zstack": "debug" } });
const message = () => `never ${Math.random()}`;
const n = 1_000_000;
for (let i = 0; i < 10_000; i++) logger.debug(message, "zh:ember:uart"); // warm up
const results = [];
for (let run = 0; run < 5; run++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) logger.debug(message, "zh:ember:uart");
  results.push(Number(process.hrtime.bigint() - start) / n);
}
results.sort((a, b) => a - b);
console.log(
  `disabled debug call: median ${results[2].toFixed(1)} ns/call (5 runs of ${n}; min ${results[0].toFixed(1)})`,
);
logger.close?.();
