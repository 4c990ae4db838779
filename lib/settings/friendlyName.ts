const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Unicode noncharacters: MQTT brokers may (mosquitto does) close a connection that publishes them in a topic. */
const NONCHARACTER = new RegExp(
  `[\\u{fdd0}-\\u{fdef}${Array.from({ length: 17 }, (_, p) => `\\u{${(p * 0x10000 + 0xfffe).toString(16)}}\\u{${(p * 0x10000 + 0xffff).toString(16)}}`).join("")}]`,
  "u",
);

/**
 * Checks a device or group friendly name against the rules that keep its MQTT topics unambiguous. Returns the
 * problem as text (starting with the quoted name), or undefined when the name is fine.
 */
export function validateFriendlyName(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "must not be empty";
  const quoted = `'${name}'`;
  if (name.startsWith("/") || name.endsWith("/")) return `${quoted} must not start or end with /`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we look for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return `${quoted} must not contain control characters`;
  if (LONE_SURROGATE.test(name)) return `${quoted} is not valid Unicode text (a lone surrogate)`;
  if (NONCHARACTER.test(name)) return `${quoted} must not contain Unicode noncharacters`;
  if (/[#+]/.test(name)) return `${quoted} must not contain the MQTT wildcards # or +`;
  if (/\/\d+$/.test(name)) return `${quoted} must not end with /<number> (that addresses an endpoint)`;
  if (name === "bridge" || name.startsWith("bridge/")) return `${quoted} is reserved for the bridge's own topics`;
  if (/\/(set|get)$/.test(name)) return `${quoted} must not end with /set or /get (those are command topics)`;
  return undefined;
}
