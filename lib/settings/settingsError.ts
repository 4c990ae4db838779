/**
 * Invalid settings, or a settings change that was refused. `problems` has one line per problem, each naming the
 * setting (`advanced.channel: must be <= 26 (got 30)`), or the file and position for YAML syntax errors.
 */
export class SettingsError extends Error {
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("\n"));
    this.name = "SettingsError";
    this.problems = list;
  }
}
