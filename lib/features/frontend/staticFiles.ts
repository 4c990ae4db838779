import type { IncomingMessage, ServerResponse } from "node:http";
import sirv from "sirv";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** `/`, `/z2m/` and `z2m` → `""`, `/z2m` (no trailing slash; `""` is the root). */
export function normalizeBaseUrl(baseUrl: string | undefined): string {
  const trimmed = (baseUrl ?? "/").trim().replace(/\/+$/, "");
  if (trimmed.length === 0) return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * The UI's files under `base`: precompressed `.br`/`.gz` variants chosen by Accept-Encoding (with Vary),
 * `index.html` never cached, `device_icons/` from the data directory (read per request: icons are added at run
 * time). `<base>` without its slash redirects to `<base>/`, so the page's relative asset paths resolve. Outside
 * `base`, and for files that do not exist: 404.
 */
export function uiRequestHandler(options: { base: string; uiDir?: string; iconsDir: string }): RequestHandler {
  const { base } = options;
  const ui = options.uiDir
    ? sirv(options.uiDir, {
        brotli: true,
        gzip: true,
        etag: true,
        dotfiles: false,
        setHeaders: (res, pathname) => {
          if (pathname === "/" || pathname.endsWith("/index.html") || pathname.endsWith("/")) {
            res.setHeader("Cache-Control", "no-store");
          }
        },
      })
    : undefined;
  const icons = sirv(options.iconsDir, {
    dev: true, // no file list cached at start: icons saved later are served too
    etag: true,
    setHeaders: (res) => {
      // an uploaded SVG must not run scripts on the UI's origin when opened directly
      res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    },
  });

  return (req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(res, 405, "Method Not Allowed", { Allow: "GET, HEAD" });
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q === -1 ? raw : raw.slice(0, q);
    const query = q === -1 ? "" : raw.slice(q);
    if (base && path === base) return send(res, 301, "Moved Permanently", { Location: `${base}/${query}` });
    if (!path.startsWith(`${base}/`)) return send(res, 404, "Not Found");
    const rel = path.slice(base.length); // starts with "/"
    const next = () => send(res, 404, "Not Found");
    if (rel.startsWith("/device_icons/")) {
      req.url = rel.slice("/device_icons".length) + query;
      return icons(req, res, next);
    }
    if (!ui) return next();
    req.url = rel + query;
    ui(req, res, next);
  };
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
  res.end(`${text}\n`);
}
