/**
 * The bridge's logger contract. Implementation: winston (createLogger, from winstonLogger.ts, re-exported at the end);
 * routeLibraryLogs (libraryLogs.ts, re-exported too) sends zigbee-herdsman's and converters' logs through it.
 * Levels as zigbee2mqtt: error, warning, info, debug. Namespaces like "z2m:mqtt", "zh:zstack", "zhc:...".
 * Debug messages may be given lazily as a function, so the hot path pays nothing when debug is off.
 */
export type LogLevel = "error" | "warning" | "info" | "debug";
export type LogMessage = string | (() => string);

export interface Logger {
  error(message: LogMessage, namespace?: string): void;
  warning(message: LogMessage, namespace?: string): void;
  info(message: LogMessage, namespace?: string): void;
  debug(message: LogMessage, namespace?: string): void;
  /** true when a message at this level in this namespace would be written */
  isEnabled(level: LogLevel, namespace?: string): boolean;
}

export type LogOutput = "console" | "file";

/** What `advanced.log_*` settings map to (see docs §4.2). */
export interface LoggerOptions {
  level: LogLevel;
  /** e.g. {"zh:zstack": "debug", "z2m:mqtt": "warning"}; the most specific prefix wins ("zh:zstack:znp" uses "zh:zstack") */
  namespacedLevels?: Record<string, LogLevel>;
  /** regex of namespaces whose debug messages are dropped */
  debugNamespaceIgnore?: string;
  output: LogOutput[];
  /** log directory; "%TIMESTAMP%" is replaced by YYYY-MM-DD.HH-mm-ss (zigbee2mqtt's default is <data>/log/%TIMESTAMP%) */
  directory?: string;
  /** file name inside the directory, default "log.log" */
  file?: string;
  /** true: at most 3 files of 10 MB within the directory */
  rotation?: boolean;
  /** timestamped log directories kept, the current one included; older ones are deleted (default 10) */
  directoriesToKeep?: number;
  consoleJson?: boolean;
  /** default "YYYY-MM-DD HH:mm:ss" (tokens YYYY MM DD HH mm ss SSS) */
  timestampFormat?: string;
  /** values replaced by "***" in every written line and onLog entry (see redact.ts: secretForms) */
  secrets?: string[];
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  namespace: string;
}

export interface BridgeLogger extends Logger {
  setLevel(level: LogLevel): void;
  getLevel(): LogLevel;
  setNamespacedLevels(levels: Record<string, LogLevel>): void;
  /** every written line (≥ the effective level) — the bridge publishes them on bridge/logging; returns unsubscribe */
  onLog(listener: (entry: LogEntry) => void): () => void;
  /** the directory the log file is written to, when output includes "file" */
  readonly logDirectory: string | undefined;
  close(): Promise<void>;
}

export { routeLibraryLogs } from "./libraryLogs.js";
export { createLogger } from "./winstonLogger.js";
