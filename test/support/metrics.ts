/**
 * Reading a /metrics page as Prometheus does, for tests: scrape it, and find one
 * series' value in the text exposition format.
 */

export interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
}

/** Scrapes as Prometheus does: a plain GET, no signed caller header; a bearer token only when given. */
export async function scrape(origin: string, path = '/metrics', token?: string): Promise<Scrape> {
  const res = await fetch(`${origin}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

export function parseLabels(raw: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of (raw ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string;
  return labels;
}

/** Every sample of the page: its series name, its labels and its value. */
export function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m) out.push({ name: m[1] as string, labels: parseLabels(m[2]), value: Number(m[3]) });
  }
  return out;
}

/**
 * The value of one series, or undefined when the page has no such sample
 * (prom-client prints a label set only once it was counted). The labels must match exactly.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text).find(
    (s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}
