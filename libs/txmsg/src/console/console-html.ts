/** Escapes text for HTML content and attribute values (double-quoted). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A query string from `params` (entries without a value left out), `?`-prefixed, or empty. */
export function queryOf(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  ).toString();
  return query ? `?${query}` : '';
}

// Everything the pages need is inline: the console must work where there is no internet.
const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header form{margin-left:auto}
main{padding:16px;max-width:1200px}h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:20px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #dde1e8;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4}pre{background:#fff;border:1px solid #dde1e8;padding:8px;overflow:auto;max-height:480px;white-space:pre-wrap;word-break:break-all}
.flash{background:#e3f6e6;border:1px solid #9bd3a4;padding:8px;margin-bottom:12px}.error{background:#fde8e8;border:1px solid #f0a3a3;padding:8px;margin-bottom:12px}
.tag{display:inline-block;padding:0 6px;border-radius:8px;background:#eef0f4}.PARKED{background:#fde8e8}.WAITING{background:#fff4d6}
button{padding:4px 12px;cursor:pointer}form.inline{display:inline}.muted{color:#667}`;

/** The console's views, as the header links to them. */
const NAV: [string, string][] = [
  ['', 'Overview'],
  ['/groups', 'Failure groups'],
  ['/failures', 'Failures'],
  ['/notifications', 'Notifications'],
  ['/ordering', 'Ordering'],
  ['/outbox', 'Outbox'],
];

/** A whole console page: the navigation, `body` (already HTML), and a refresh every `refreshSeconds` if given. */
export function page(title: string, body: string, options: { base?: string; refreshSeconds?: number } = {}): string {
  const { base, refreshSeconds } = options;
  const nav = base
    ? `<header><strong>txmsg</strong>${NAV.map(([path, label]) => `<a href="${escapeHtml(base + path)}">${label}</a>`).join('')}
<form method="post" action="${escapeHtml(base)}/logout"><button type="submit">Log out</button></form></header>`
    : '<header><strong>txmsg</strong></header>';
  // A reload keeps the query string (filters); a tab in the background is not refreshed.
  const refresh = refreshSeconds
    ? `<script>setInterval(function(){if(!document.hidden)location.reload()},${refreshSeconds * 1000})</script>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="same-origin"><title>${escapeHtml(title)} · txmsg console</title><style>${STYLE}</style></head>
<body>${nav}<main>${body}</main>${refresh}</body></html>`;
}
