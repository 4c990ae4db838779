// The bench's Markdown table: zigmqtt, zigbee2mqtt, their ratio against the target, and the floor.

/** Each row: label, how to read a figure from a session result, the target for zigmqtt ÷ zigbee2mqtt. */
const ROWS = [
  ["CPU per message (ms)", (r) => r.throughput?.cpuMsPerMessage, "≤ 0.5"],
  ["instructions per message", (r) => r.throughput?.instructionsPerMessage, "≤ 0.5"],
  ["throughput (messages/s)", (r) => r.throughput?.messagesPerSecond, ""],
  ["lost messages", (r) => r.throughput?.lost, "0 lost"],
  ["RSS idle (MB)", (r) => r.rssIdleMb, "≤ 0.65"],
  ["RSS after the reports (MB)", (r) => r.rssAfterLoadMb, ""],
  ["restart → online (ms)", (r) => r.restartToOnlineMs, "≤ 0.75"],
  ["restart → bridge/devices (ms)", (r) => r.restartToDevicesMs, ""],
  ["bridge/devices size (kB)", (r) => r.devicesBytes && Math.round(r.devicesBytes / 1024), ""],
  ["first start, all devices interviewed (ms)", (r) => r.firstStartPairAllMs, ""],
  ["first start, last frame to the coordinator (ms)", (r) => r.firstStartSettledMs, ""],
  ["command → frame p50 (ms)", (r) => r.command?.toFrameMs.p50, "≤ 0.75"],
  ["command → frame p99 (ms)", (r) => r.command?.toFrameMs.p99, ""],
  ["of which the broker hop p50 (ms)", (r) => r.command?.brokerHopMs?.p50, ""],
  ["of which in the bridge p50 (ms), --in-bridge", (r) => r.command?.inBridgeMs?.p50, ""],
  ["of which in the bridge p99 (ms), --in-bridge", (r) => r.command?.inBridgeMs?.p99, ""],
  ["command → state message p50 (ms)", (r) => r.command?.toStateMessageMs?.p50, ""],
  ["command → state message p99 (ms)", (r) => r.command?.toStateMessageMs?.p99, ""],
  ["soak: RSS before (MB)", (r) => r.soak?.rssBeforeMb, ""],
  ["soak: RSS after (MB)", (r) => r.soak?.rssAfterMb, "flat"],
  ["soak: highest RSS of ten (MB)", (r) => r.soak && Math.max(...r.soak.rssMbEveryTenth), ""],
  ["soak: lost", (r) => r.soak?.lost, "0 lost"],
];

const show = (v) => (v === undefined || v === null || Number.isNaN(v) ? "–" : String(v));

/** results: {ours, z2m, floor} (any may be missing) → Markdown */
export function table(results) {
  const { ours, z2m, floor } = results;
  const head = ["measure", "zigmqtt", z2m?.label ?? "zigbee2mqtt", "zigmqtt ÷ z2m", "target", "herdsman floor"];
  const lines = [];
  for (const [label, get, target] of ROWS) {
    const a = ours && get(ours);
    const b = z2m && get(z2m);
    const f = floor && get(floor);
    if ([a, b, f].every((v) => v === undefined || v === null)) continue;
    const ratio = typeof a === "number" && typeof b === "number" && b !== 0 ? (a / b).toFixed(2) : "–";
    lines.push([label, show(a), show(b), ratio, target, show(f)]);
  }
  const rows = [head, head.map(() => "-"), ...lines];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const fmt = (cells) =>
    `| ${cells.map((c, i) => (c === "-" ? "-".repeat(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const notes = floor?.command ? "\n\nthe floor gets its commands over Node's IPC channel, with no broker" : "";
  return rows.map(fmt).join("\n") + notes;
}
