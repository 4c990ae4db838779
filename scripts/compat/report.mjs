// report.txt of a compat run: the categories of differing points sorted by count, each with one example line, then
// every differing point with both payloads.
import { category, example } from "./compare.mjs";

const show = (m) => (m ? JSON.stringify(m.payload).slice(0, 600) : "-");

export function report(points, { self, missedByUs }) {
  const cats = new Map();
  const details = [];
  for (const p of points) {
    if (p.verdict !== "different") continue;
    const c = category(p);
    if (!cats.has(c)) cats.set(c, { n: 0, example: example(p) });
    cats.get(c).n++;
    details.push(
      `## ${p.key.replaceAll("\t", " | ")}${p.late ? ` (late: ${p.late})` : ""}\n  differs at: ${p.open
        .slice(0, 12)
        .join(", ")}${p.open.length > 12 ? ` (+${p.open.length - 12})` : ""}\n  z2m : ${show(p.theirs)}\n  ${
        self ? "z2m2" : "ours"
      }: ${show(p.ours)}`,
    );
  }
  const summary = [...cats.entries()]
    .sort((x, y) => y[1].n - x[1].n || (x[0] < y[0] ? -1 : 1))
    .map(([c, { n, example: ex }]) => `${String(n).padStart(4)}  ${c}\n        e.g. ${ex}`);
  const head = [];
  const count = (v) => points.filter((p) => p.verdict === v).length;
  head.push(
    `${points.length} points: ${count("identical")} identical, ${count("allowed")} allowed, ${count("different")} different${self ? " (zigbee2mqtt against itself)" : ""}`,
  );
  for (const n of points.notes) head.push(`note: ${n}`);
  if (missedByUs.length) head.push(`steps whose response/wait we never saw: ${missedByUs.join(", ")}`);
  const text = `${head.join("\n")}\n\n# Differences by category\n${summary.join("\n")}\n\n# Every differing point\n${details.join("\n")}\n`;
  return { summary, text };
}
