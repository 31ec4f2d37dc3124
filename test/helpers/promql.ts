/**
 * Names the metrics a PromQL expression reads, without a full parser: string literals, label matchers,
 * range and subquery brackets, grouping clauses and Grafana variables are removed first; what is left that
 * looks like an identifier and is neither a function call nor a keyword is a metric name.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan', 'atan2']);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/#.*$/gm, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    const name = m[1]!;
    if (!KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** Series names declared by a Prometheus text exposition (`# TYPE` lines), with a histogram's or summary's parts. */
export function exposedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m;
    names.add(name!);
    if (type === 'histogram') for (const part of ['_bucket', '_sum', '_count']) names.add(name + part);
    if (type === 'summary') for (const part of ['_sum', '_count']) names.add(name + part);
  }
  return names;
}

/** Series Prometheus adds to every scrape target itself. */
export const SCRAPE_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);
