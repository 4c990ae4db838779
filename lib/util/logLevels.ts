import type { LogLevel } from "./logger.js";

/** Higher is more verbose; a message is written when its rank ≤ the namespace's threshold. */
export const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { error: 0, warning: 1, info: 2, debug: 3 };
export const LOG_LEVELS: readonly LogLevel[] = ["error", "warning", "info", "debug"];

/**
 * Effective level per namespace: the most specific configured prefix wins ("zh:zstack:znp" uses "zh:zstack", then
 * "zh", then the global level); debug is dropped for namespaces matching the ignore regex. Results are cached per
 * namespace, so a disabled call costs one Map lookup; the cache is cleared whenever the configuration changes.
 */
export class LevelResolver {
  readonly #cache = new Map<string, number>();
  #level: LogLevel;
  #namespaced: Record<string, LogLevel>;
  readonly #debugIgnore: RegExp | undefined;

  constructor(level: LogLevel, namespaced: Record<string, LogLevel> = {}, debugIgnore?: string) {
    this.#level = level;
    this.#namespaced = { ...namespaced };
    this.#debugIgnore = debugIgnore ? new RegExp(debugIgnore) : undefined;
  }

  get level(): LogLevel {
    return this.#level;
  }

  setLevel(level: LogLevel): void {
    this.#level = level;
    this.#cache.clear();
  }

  setNamespaced(levels: Record<string, LogLevel>): void {
    this.#namespaced = { ...levels };
    this.#cache.clear();
  }

  /** The highest rank written in this namespace. */
  threshold(namespace: string): number {
    const cached = this.#cache.get(namespace);
    if (cached !== undefined) return cached;
    let rank = LEVEL_RANK[this.#resolve(namespace)];
    if (rank === LEVEL_RANK.debug && this.#debugIgnore?.test(namespace)) rank = LEVEL_RANK.info;
    this.#cache.set(namespace, rank);
    return rank;
  }

  #resolve(namespace: string): LogLevel {
    let prefix = namespace;
    for (;;) {
      const level = Object.hasOwn(this.#namespaced, prefix) ? this.#namespaced[prefix] : undefined;
      if (level) return level;
      const cut = prefix.lastIndexOf(":");
      if (cut < 0) return this.#level;
      prefix = prefix.slice(0, cut);
    }
  }
}
