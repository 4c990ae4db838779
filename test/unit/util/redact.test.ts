import { describe, expect, it } from "vitest";
import { redact, secretForms } from "../../../lib/util/redact.js";

describe("redact", () => {
  it("replaces every occurrence of each secret", () => {
    expect(redact("pw=s3cret; again s3cret", ["s3cret"])).toBe("pw=***; again ***");
  });

  it("ignores empty secrets and replaces longer secrets first", () => {
    expect(redact("abc abcdef", ["", "abc", "abcdef"])).toBe("*** ***");
  });

  it("handles regex metacharacters literally", () => {
    expect(redact("token a.b*c(d) and axb", ["a.b*c(d)"])).toBe("token *** and axb");
  });

  it("covers a network key's usual renderings", () => {
    const key = [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13];
    const forms = secretForms(key);
    expect(redact(`network_key: ${JSON.stringify(key)}`, forms)).toBe("network_key: [***]");
    expect(redact(JSON.stringify({ key: Buffer.from(key) }), forms)).toBe('{"key":{"type":"Buffer","data":[***]}}');
    expect(redact(`${Buffer.from(key).toString("hex")}`, forms)).toBe("***");
    expect(redact(`${Buffer.from(key).toString("hex").toUpperCase()}`, forms)).toBe("***");
    expect(redact(`<Buffer ${Buffer.from(key).toString("hex").match(/../g)?.join(" ")}>`, forms)).toBe("<Buffer ***>");
    expect(secretForms("GENERATE")).toEqual([]);
    expect(secretForms(undefined)).toEqual([]);
    expect(secretForms("pw")).toEqual(["pw"]);
  });
});
