import { join } from "node:path";
import winston from "winston";
import { formatTimestamp, prepareLogDirectory } from "./logDirectory.js";
import type { BridgeLogger, LogEntry, LoggerOptions, LogLevel, LogMessage } from "./logger.js";
import { LEVEL_RANK, LevelResolver } from "./logLevels.js";
import { redact } from "./redact.js";

/** Namespace of messages logged without one; zigbee2mqtt's prefix, which clients filter on. */
export const DEFAULT_NAMESPACE = "z2m";
export const DEFAULT_TIMESTAMP_FORMAT = "YYYY-MM-DD HH:mm:ss";
/** log_rotation: true keeps at most this many files of this size in the log directory */
export const ROTATION = { maxsize: 10 * 1024 * 1024, maxFiles: 3 } as const;

const DEBUG = LEVEL_RANK.debug;
const INFO = LEVEL_RANK.info;
const WARNING = LEVEL_RANK.warning;
const ERROR = LEVEL_RANK.error;

/** `[2026-11-25 21:00:00] info: \tz2m: message`, as zigbee2mqtt writes it (without colours). */
const textLine = winston.format.printf(
  (info) => `[${String(info.timestamp)}] ${info.level}: \t${String(info.namespace)}: ${String(info.message)}`,
);

type Listener = (entry: LogEntry) => void;

class WinstonBridgeLogger implements BridgeLogger {
  readonly logDirectory: string | undefined;
  readonly #levels: LevelResolver;
  readonly #winston: winston.Logger | undefined;
  readonly #listeners = new Set<Listener>();
  readonly #timestampFormat: string;
  readonly #secrets: string[];
  #emitting = false;
  #closed = false;

  constructor(options: LoggerOptions) {
    this.#levels = new LevelResolver(options.level, options.namespacedLevels, options.debugNamespaceIgnore);
    this.#timestampFormat = options.timestampFormat ?? DEFAULT_TIMESTAMP_FORMAT;
    this.#secrets = (options.secrets ?? []).filter((s) => s.length > 0);
    const transports: winston.transport[] = [];
    if (options.output.includes("console")) {
      const format = options.consoleJson ? winston.format.json() : textLine;
      transports.push(new winston.transports.Console({ format }));
    }
    if (options.output.includes("file")) {
      if (!options.directory) throw new Error("Logger: output 'file' needs a directory");
      this.logDirectory = prepareLogDirectory(options.directory, options.directoriesToKeep ?? 10);
      const filename = join(this.logDirectory, options.file ?? "log.log");
      const rotation = options.rotation === false ? {} : { ...ROTATION, tailable: true };
      transports.push(new winston.transports.File({ filename, format: textLine, ...rotation }));
    }
    // Filtering happens before winston (per namespace, cached); winston only formats and writes.
    this.#winston =
      transports.length > 0 ? winston.createLogger({ levels: LEVEL_RANK, level: "debug", transports }) : undefined;
    // A transport error (disk full, log dir removed) must not become an unhandled 'error' that ends the process.
    this.#winston?.on("error", (error: Error) => reportTransportError(error));
  }

  error(message: LogMessage, namespace = DEFAULT_NAMESPACE): void {
    if (this.#levels.threshold(namespace) >= ERROR) this.#write("error", message, namespace);
  }

  warning(message: LogMessage, namespace = DEFAULT_NAMESPACE): void {
    if (this.#levels.threshold(namespace) >= WARNING) this.#write("warning", message, namespace);
  }

  info(message: LogMessage, namespace = DEFAULT_NAMESPACE): void {
    if (this.#levels.threshold(namespace) >= INFO) this.#write("info", message, namespace);
  }

  debug(message: LogMessage, namespace = DEFAULT_NAMESPACE): void {
    if (this.#levels.threshold(namespace) >= DEBUG) this.#write("debug", message, namespace);
  }

  isEnabled(level: LogLevel, namespace = DEFAULT_NAMESPACE): boolean {
    return this.#levels.threshold(namespace) >= LEVEL_RANK[level];
  }

  setLevel(level: LogLevel): void {
    this.#levels.setLevel(level);
  }

  getLevel(): LogLevel {
    return this.#levels.level;
  }

  setNamespacedLevels(levels: Record<string, LogLevel>): void {
    this.#levels.setNamespaced(levels);
  }

  onLog(listener: Listener): () => void {
    // wrap so the same function can subscribe twice and each unsubscribe removes only its own subscription
    const entry: Listener = (e) => listener(e);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    const target = this.#winston;
    if (!target) return;
    // winston's File transport breaks ("write after end", lost lines) when it is ended mid-rotation: let it settle.
    await settled(target);
    const finished = new Promise<void>((resolve) => target.once("finish", () => resolve()));
    target.end();
    await finished;
  }

  #write(level: LogLevel, message: LogMessage, namespace: string): void {
    if (this.#closed) return;
    let text = typeof message === "function" ? evaluate(message) : message;
    if (this.#secrets.length > 0) text = redact(text, this.#secrets);
    if (this.#winston) {
      const timestamp = formatTimestamp(new Date(), this.#timestampFormat);
      this.#winston.log({ level, message: text, namespace, timestamp });
    }
    // A listener that logs (e.g. a publish that fails) is written to the transports but not fed back to listeners.
    if (this.#emitting || this.#listeners.size === 0) return;
    this.#emitting = true;
    try {
      const entry: LogEntry = { level, message: text, namespace };
      for (const listener of this.#listeners) {
        try {
          listener(entry);
        } catch (error) {
          this.#write("error", `Log listener failed: ${(error as Error).message}`, DEFAULT_NAMESPACE);
        }
      }
    } finally {
      this.#emitting = false;
    }
  }
}

/** Waits (bounded) until winston and its transports have nothing buffered and no file is being rotated or opened. */
async function settled(target: winston.Logger, timeoutMs = 5000): Promise<void> {
  const busy = () =>
    target.readableLength > 0 ||
    target.transports.some((t) => {
      const file = t as { writableLength: number; _rotate?: boolean; _opening?: boolean };
      return file.writableLength > 0 || file._rotate === true || file._opening === true;
    });
  const deadline = Date.now() + timeoutMs;
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

let transportErrorReported = false;
function reportTransportError(error: Error): void {
  if (transportErrorReported) return;
  transportErrorReported = true;
  console.error(`zigmqtt: writing the log failed (${error.message}); further log write errors are not reported`);
}

function evaluate(message: () => string): string {
  try {
    return message();
  } catch (error) {
    return `<log message failed: ${(error as Error).message}>`;
  }
}

export function createLogger(options: LoggerOptions): BridgeLogger {
  return new WinstonBridgeLogger(options);
}
