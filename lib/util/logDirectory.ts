import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const PLACEHOLDER = "%TIMESTAMP%";
const DIR_STAMP = "YYYY-MM-DD.HH-mm-ss";
const STAMP_PATTERN = String.raw`\d{4}-\d{2}-\d{2}\.\d{2}-\d{2}-\d{2}`;

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Formats a local time with the tokens YYYY MM DD HH mm ss SSS; anything else is kept as written. */
export function formatTimestamp(date: Date, format: string): string {
  return format.replace(/YYYY|MM|DD|HH|mm|ss|SSS/g, (token) => {
    switch (token) {
      case "YYYY":
        return String(date.getFullYear());
      case "MM":
        return pad(date.getMonth() + 1);
      case "DD":
        return pad(date.getDate());
      case "HH":
        return pad(date.getHours());
      case "mm":
        return pad(date.getMinutes());
      case "ss":
        return pad(date.getSeconds());
      default:
        return pad(date.getMilliseconds(), 3);
    }
  });
}

/**
 * Creates the log directory, expanding "%TIMESTAMP%", and when the last path segment holds the placeholder deletes
 * the oldest sibling directories that match the same pattern so that `keep` remain (the new one included).
 * Nothing that does not match the pattern is ever deleted. Returns the created directory.
 */
export function prepareLogDirectory(template: string, keep: number, now = new Date()): string {
  const directory = template.replaceAll(PLACEHOLDER, formatTimestamp(now, DIR_STAMP));
  mkdirSync(directory, { recursive: true });
  const segment = basename(template);
  if (segment.includes(PLACEHOLDER) && !dirname(template).includes(PLACEHOLDER)) {
    pruneSiblings(dirname(directory), segment, Math.max(1, keep));
  }
  return directory;
}

function pruneSiblings(parent: string, segment: string, keep: number): void {
  const escaped = segment
    .split(PLACEHOLDER)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(STAMP_PATTERN);
  const pattern = new RegExp(`^${escaped}$`);
  const stamped = readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && pattern.test(entry.name))
    .map((entry) => entry.name)
    .sort(); // the stamp sorts chronologically
  for (const name of stamped.slice(0, Math.max(0, stamped.length - keep))) {
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}
