import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMosquitto, type TestBroker } from "./broker.js";
import { tools } from "./tools.js";

export { tools };

/** A throwaway CA and a server certificate for localhost/127.0.0.1 in `dir`; returns the file paths. */
export function makeTestCertificates(dir: string): { ca: string; cert: string; key: string } {
  const openssl = tools.openssl.path;
  if (!openssl) throw new Error("openssl is not installed");
  const ssl = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=zigmqtt test CA");
  ssl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  ssl(
    ...["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-out", "server.crt", "-days", "2", "-extfile", "ext.cnf"],
  );
  return { ca: join(dir, "ca.crt"), cert: join(dir, "server.crt"), key: join(dir, "server.key") };
}

/** mosquitto with a TLS listener (certificates from `makeTestCertificates`) and, optionally, a password file. */
export async function startSecureMosquitto(
  dir: string,
  opts: { users?: Record<string, string> } = {},
): Promise<TestBroker & { ca: string }> {
  const mosquitto = tools.mosquitto.path;
  if (!mosquitto) throw new Error("mosquitto is not installed");
  const { ca, cert, key } = makeTestCertificates(dir);
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
