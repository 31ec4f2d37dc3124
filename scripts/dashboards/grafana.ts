/**
 * A small typed model of the Grafana dashboard JSON the operations kit ships (schemaVersion 39): time
 * series and stat panels over one Prometheus data source, laid out in rows of equal-width panels.
 * Only what the dashboards use is modelled; Grafana fills every other field with its defaults.
 */

export type Unit = 'reqps' | 'percentunit' | 's' | 'bytes' | 'short' | 'ops' | 'none' | 'Bps';

export interface Query {
  expr: string;
  /** Series name in the legend, e.g. `{{route}}`. */
  legend?: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  kind: 'timeseries' | 'stat';
  unit: Unit;
  queries: Query[];
  stacked?: boolean;
  /** Stat panels: value from which the background turns red. */
  redFrom?: number;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  rows: RowSpec[];
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax (the `datasource` variable below), not a template literal.
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRID_WIDTH = 24;
const PANEL_HEIGHT = 8;

/** `{job="agentry", instance=~"$instance"}` with extra matchers: every query reads the selected instances. */
export function sel(extra = ''): string {
  return `{job="agentry", instance=~"$instance"${extra ? `, ${extra}` : ''}}`;
}

/** Time series panel. */
export const ts = (title: string, description: string, unit: Unit, queries: Query[], options: { stacked?: boolean } = {}): PanelSpec => ({ title, description, kind: 'timeseries', unit, queries, ...options });

/** Single-value panel. */
export const stat = (title: string, description: string, unit: Unit, queries: Query[], redFrom?: number): PanelSpec => ({ title, description, kind: 'stat', unit, queries, redFrom });

export function renderDashboard(spec: DashboardSpec): Record<string, unknown> {
  let id = 1;
  let y = 0;
  const panels: Record<string, unknown>[] = [];
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: GRID_WIDTH, x: 0, y }, panels: [] });
    y += 1;
    const perLine = Math.min(row.panels.length, 4);
    const width = Math.floor(GRID_WIDTH / perLine);
    row.panels.forEach((panel, i) => {
      const gridPos = { h: panel.kind === 'stat' ? 4 : PANEL_HEIGHT, w: width, x: (i % perLine) * width, y: y + Math.floor(i / perLine) * PANEL_HEIGHT };
      panels.push(renderPanel(panel, id++, gridPos));
    });
    y += Math.ceil(row.panels.length / perLine) * PANEL_HEIGHT;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['agentry'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: { text: 'Prometheus', value: 'prometheus' } },
        {
          name: 'instance',
          label: 'Instance',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: 'label_values(up{job="agentry"}, instance)', refId: 'instance' },
          definition: 'label_values(up{job="agentry"}, instance)',
          includeAll: true,
          multi: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          refresh: 2,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

function renderPanel(panel: PanelSpec, id: number, gridPos: Record<string, number>): Record<string, unknown> {
  const targets = panel.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: q.expr, legendFormat: q.legend ?? '__auto', range: true }));
  const thresholds = { mode: 'absolute', steps: [{ color: 'green', value: null }, ...(panel.redFrom === undefined ? [] : [{ color: 'red', value: panel.redFrom }])] };
  const base = { id, type: panel.kind, title: panel.title, description: panel.description, datasource: DATASOURCE, gridPos, targets };
  if (panel.kind === 'stat') {
    return {
      ...base,
      fieldConfig: { defaults: { unit: panel.unit, thresholds }, overrides: [] },
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', graphMode: 'area' },
    };
  }
  return {
    ...base,
    fieldConfig: {
      defaults: {
        unit: panel.unit,
        thresholds,
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: panel.stacked ? 30 : 10, stacking: { mode: panel.stacked ? 'normal' : 'none', group: 'A' }, showPoints: 'never' },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] }, tooltip: { mode: 'multi', sort: 'desc' } },
  };
}
