import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";
import { startMosquitto, type TestBroker } from "./broker.js";
import { tools } from "./tools.js";

export { tools };

/**
 * A throwaway CA and a server certificate for localhost/127.0.0.1 in `dir` (EC P-256, valid two days), made with
 * the `selfsigned` npm package: no openssl binary needed. Returns the file paths.
 */
export async function makeTestCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const days2 = new Date(Date.now() + 2 * 86_400_000);
  const common = { keyType: "ec" as const, curve: "P-256" as const, algorithm: "sha256", notAfterDate: days2 };
  const ca = await generate([{ name: "commonName", value: "zigmqtt test CA" }], {
    ...common,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  const files = { ca: join(dir, "ca.crt"), cert: join(dir, "server.crt"), key: join(dir, "server.key") };
  writeFileSync(files.ca, ca.cert);
  writeFileSync(files.cert, server.cert);
  writeFileSync(files.key, server.private, { mode: 0o600 });
  return files;
}

/** mosquitto with a TLS listener (certificates from `makeTestCertificates`) and, optionally, a password file. */
export async function startSecureMosquitto(
  dir: string,
  opts: { users?: Record<string, string> } = {},
): Promise<TestBroker & { ca: string }> {
  const mosquitto = tools.mosquitto.path;
  if (!mosquitto) throw new Error("mosquitto is not installed");
  const { ca, cert, key } = await makeTestCertificates(dir);
  const config = [`cafile ${ca}`, `certfile ${cert}`, `keyfile ${key}`, "require_certificate false"];
  if (opts.users) {
    const passwd = tools.mosquittoPasswd.path;
    if (!passwd) throw new Error("mosquitto_passwd is not installed");
    const file = join(dir, "passwords");
    let first = true;
    for (const [user, password] of Object.entries(opts.users)) {
      execFileSync(passwd, [...(first ? ["-c"] : []), "-b", file, user, password], { stdio: "pipe" });
      first = false;
    }
    config.push("allow_anonymous false", `password_file ${file}`);
  } else config.push("allow_anonymous true");
  const broker = await startMosquitto(mosquitto, { scheme: "mqtts", listenerConfig: config });
  return Object.assign(broker, { ca });
}
