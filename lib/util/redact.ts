/** Replaces every occurrence of each secret in `text` with "***". Empty secrets are ignored; longer ones go first. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join("***");
  }
  return out;
}

/**
 * The ways a secret setting shows up in log text, for LoggerOptions.secrets. A string (mqtt.password,
 * frontend.auth_token) is itself; a byte array (advanced.network_key) also appears as "1,3,5,…" (JSON arrays,
 * serialized Buffers), as hex "01030507…" and as spaced hex "01 03 05 07…" (Buffer inspect), in either case.
 * "GENERATE" and empty values are not secrets.
 */
export function secretForms(value: string | readonly number[] | null | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value === "" || value === "GENERATE" ? [] : [value];
  if (value.length === 0) return [];
  const hex = value.map((b) => b.toString(16).padStart(2, "0"));
  return [
    value.join(","),
    value.join(", "),
    hex.join(""),
    hex.join("").toUpperCase(),
    hex.join(" "),
    hex.join(" ").toUpperCase(),
  ];
}
