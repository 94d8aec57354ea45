import { Alert, ApiError, Counts, EventsPage, get, query } from '../api';
import { stackedBars, Series } from '../chart';
import { field, h, replace, time } from '../dom';
import { falcoName, PRIORITIES, PRIORITY_COLOURS, SERIES_COLOURS } from '../model';

const REFRESH_MS = 5000;
const PAGE = 50;
const BUCKETS = 12;

const RANGES: { value: string; label: string; ms: number | null }[] = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'custom', label: 'Custom range', ms: null },
];

interface Filters {
  range: string; from: string; to: string; priority: string; rule: string; cluster: string; task: string; container: string; text: string;
}

// Kept across visits of the view, so going to Agents and back keeps the filters.
const filters: Filters = { range: '24h', from: '', to: '', priority: '', rule: '', cluster: '', task: '', container: '', text: '' };

function window_(): { from: Date; to: Date } {
  const now = new Date();
  if (filters.range === 'custom') {
    const from = filters.from ? new Date(filters.from) : new Date(now.getTime() - 86_400_000);
    const to = filters.to ? new Date(filters.to) : now;
    return { from, to };
  }
  const r = RANGES.find((x) => x.value === filters.range) ?? RANGES[2];
  return { from: new Date(now.getTime() - (r.ms ?? 86_400_000)), to: now };
}

function params(from: Date, to: Date | null): Record<string, string> {
  return {
    from: from.toISOString(), to: to ? to.toISOString() : '', priority: filters.priority, rule: filters.rule,
    cluster: filters.cluster, task: filters.task, container: filters.container, text: filters.text,
  };
}

export function alertsView(root: HTMLElement): () => void {
  let alerts: Alert[] = [];
  let cursor: string | null = null;
  let selected: string | null = null;
  let timer: number | undefined;
  let refreshing = false;
  // Bumped by every filter change: answers to older questions are dropped when they arrive.
  let generation = 0;
  let chartsAt = 0;
  const seen = { rules: new Set<string>(), clusters: new Set<string>(), tasks: new Set<string>(), containers: new Set<string>() };

  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const tbody = h('tbody');
  const moreButton = h('button', { type: 'button', hidden: true, onclick: () => loadMore() }, 'Load older alerts');
  const charts = h('div', { class: 'charts', 'aria-busy': 'true' });
  const detail = h('aside', { class: 'detail', 'aria-labelledby': 'detail-title', hidden: true });
  const auto = h('input', { type: 'checkbox', checked: true, onchange: () => schedule() });
  const lists = {
    rules: h('datalist', { id: 'dl-rules' }), clusters: h('datalist', { id: 'dl-clusters' }),
    tasks: h('datalist', { id: 'dl-tasks' }), containers: h('datalist', { id: 'dl-containers' }),
  };

  const form = filterForm(() => { void reload(); });
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Alerts'),
      h('label', { class: 'inline' }, auto, ` Refresh every ${REFRESH_MS / 1000} s`)),
    h('details', { class: 'filters-box', open: window.innerWidth > 700 }, h('summary', null, 'Filters'), form),
    Object.values(lists), charts, status, error,
    h('div', { class: 'split' },
      h('section', { class: 'list', 'aria-label': 'Alerts, newest first' },
        h('div', { class: 'table-wrap' },
          h('table', { class: 'alerts' },
            h('caption', { class: 'sr-only' }, 'Alerts, newest first. Select a row to see its details.'),
            h('thead', null, h('tr', null, ['Time', 'Priority', 'Rule', 'Workload', 'Output'].map((c) => h('th', { scope: 'col' }, c)))),
            tbody)),
        moreButton),
      detail));

  const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && selected) closeDetail(); };
  document.addEventListener('keydown', onKey);
  void reload();
  return () => {
    window.clearTimeout(timer);
    document.removeEventListener('keydown', onKey);
    timer = -1;
  };

  function schedule(): void {
    window.clearTimeout(timer);
    if (timer === -1) return;
    if (auto.checked) timer = window.setTimeout(() => void refresh(), REFRESH_MS);
  }

  async function reload(): Promise<void> {
    generation += 1;
    alerts = [];
    cursor = null;
    chartsAt = 0;
    refreshing = false;
    await refresh(true);
  }

  /** Fetches the newest page and puts alerts not shown yet on top, so older pages loaded by hand stay. */
  async function refresh(reset = false): Promise<void> {
    if (refreshing && !reset) return;
    refreshing = true;
    const asked = generation;
    try {
      const w = window_();
      const to = filters.range === 'custom' ? w.to : null;
      const page = await get<EventsPage>(`/api/v1/events${query({ ...params(w.from, to), limit: String(PAGE) })}`);
      if (asked !== generation) return;
      const known = new Set(alerts.map((a) => a.id));
      const fresh = page.events.filter((a) => !known.has(a.id));
      if (reset) {
        alerts = page.events;
        cursor = page.next_cursor;
      } else {
        alerts = [...fresh, ...alerts];
      }
      const cutoff = w.from.getTime();
      const before = alerts.length;
      alerts = alerts.filter((a) => new Date(a.time).getTime() >= cutoff);
      const dropped = alerts.length !== before;
      error.hidden = true;
      status.textContent = `${alerts.length} alert${alerts.length === 1 ? '' : 's'} shown${cursor ? ' (more available)' : ''}`
        + (!reset && fresh.length ? `, ${fresh.length} new` : '') + ` · updated ${new Date().toLocaleTimeString()}`;
      // Rows are rebuilt only when needed: a rebuild would take keyboard focus away from a row.
      if (reset || dropped) renderRows(reset ? new Set() : new Set(fresh.map((a) => a.id)));
      else if (fresh.length) prependRows(fresh);
      if (Date.now() - chartsAt > 15_000 || reset || fresh.length) {
        chartsAt = Date.now();
        await drawCharts(w.from, w.to, asked);
      }
    } catch (e) {
      if (asked === generation) showError(e);
    } finally {
      if (asked === generation) {
        refreshing = false;
        schedule();
      }
    }
  }

  async function loadMore(): Promise<void> {
    if (!cursor) return;
    try {
      const w = window_();
      const to = filters.range === 'custom' ? w.to : null;
      const page = await get<EventsPage>(`/api/v1/events${query({ ...params(w.from, to), limit: String(PAGE), cursor })}`);
      const known = new Set(alerts.map((a) => a.id));
      alerts = [...alerts, ...page.events.filter((a) => !known.has(a.id))];
      cursor = page.next_cursor;
      renderRows(new Set());
    } catch (e) {
      showError(e);
    }
  }

  function showError(e: unknown): void {
    const err = e as ApiError;
    if (err.status === 401) return;
    error.textContent = err.status === 400 ? `The filter was rejected: ${err.message}` : `Could not load alerts: ${err.message}`;
    error.hidden = false;
  }

  function prependRows(fresh: Alert[]): void {
    tbody.querySelector('td.empty')?.closest('tr')?.remove();
    tbody.prepend(...fresh.map((a) => row(a, true)));
    noteValues();
  }

  function noteValues(): void {
    for (const a of alerts) {
      seen.rules.add(a.rule);
      if (a.workload?.cluster) seen.clusters.add(a.workload.cluster);
      if (a.workload?.task_family) seen.tasks.add(a.workload.task_family);
      if (a.workload?.container_name) seen.containers.add(a.workload.container_name);
    }
    for (const [k, dl] of Object.entries(lists)) {
      replace(dl, [...seen[k as keyof typeof seen]].sort().map((v) => h('option', { value: v })));
    }
  }

  function renderRows(fresh: Set<string>): void {
    noteValues();
    if (!alerts.length) {
      replace(tbody, h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'No alerts match these filters.')));
    } else {
      replace(tbody, alerts.map((a) => row(a, fresh.has(a.id))));
    }
    moreButton.hidden = !cursor;
  }

  function row(a: Alert, isNew: boolean): HTMLTableRowElement {
    const p = falcoName(a.priority);
    const w = a.workload ?? {};
    const open = () => openDetail(a);
    return h('tr', {
      class: [isNew ? 'new' : '', a.id === selected ? 'selected' : ''].join(' ').trim() || undefined,
      'data-id': a.id, onclick: open, 'aria-selected': a.id === selected ? 'true' : undefined,
    },
    h('td', { class: 'nowrap' }, time(a.time)),
    h('td', null, h('span', { class: `badge p-${p.toLowerCase()}` }, p)),
    h('td', null, h('button', { type: 'button', class: 'link', onclick: (e: Event) => { e.stopPropagation(); open(); } }, a.rule)),
    h('td', { class: 'workload' }, [w.cluster, w.task_family, w.container_name].filter(Boolean).join(' / ') || '—'),
    h('td', { class: 'output' }, a.output ?? ''));
  }

  function openDetail(a: Alert): void {
    selected = a.id;
    for (const tr of tbody.querySelectorAll('tr')) {
      const on = tr.getAttribute('data-id') === a.id;
      tr.classList.toggle('selected', on);
      if (on) tr.setAttribute('aria-selected', 'true'); else tr.removeAttribute('aria-selected');
    }
    replace(detail, ...detailContent(a, closeDetail));
    detail.hidden = false;
    root.classList.add('with-detail');
    detail.querySelector<HTMLElement>('h2')?.focus();
  }

  function closeDetail(): void {
    const id = selected;
    selected = null;
    detail.hidden = true;
    root.classList.remove('with-detail');
    for (const tr of tbody.querySelectorAll('tr.selected')) { tr.classList.remove('selected'); tr.removeAttribute('aria-selected'); }
    tbody.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(id ?? '')}"] button`)?.focus();
  }

  async function drawCharts(from: Date, to: Date, asked: number): Promise<void> {
    const bucketMs = Math.max(1000, Math.ceil((to.getTime() - from.getTime()) / BUCKETS));
    const starts = Array.from({ length: BUCKETS }, (_, i) => new Date(from.getTime() + i * bucketMs));
    const ask = (by: string, start: Date) => get<Counts>(`/api/v1/events/counts${query({
      ...params(start, new Date(start.getTime() + bucketMs)), by })}`);
    const [byPriority, byRule] = await Promise.all([
      Promise.all(starts.map((st) => ask('priority', st))),
      Promise.all(starts.map((st) => ask('rule', st))),
    ]);
    if (asked !== generation) return;
    const prioritySeries: Series[] = PRIORITIES.map((p) => falcoName(p)).map((name) => ({
      name, colour: PRIORITY_COLOURS[name], values: byPriority.map((c) => c.counts.find((x) => x.key === name)?.count ?? 0),
    }));
    const ruleTotals = new Map<string, number>();
    for (const c of byRule) for (const x of c.counts) ruleTotals.set(x.key, (ruleTotals.get(x.key) ?? 0) + x.count);
    const top = [...ruleTotals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k]) => k);
    const ruleSeries: Series[] = top.map((rule, i) => ({
      name: rule, colour: SERIES_COLOURS[i], values: byRule.map((c) => c.counts.find((x) => x.key === rule)?.count ?? 0),
    }));
    if (ruleTotals.size > top.length) {
      ruleSeries.push({ name: 'Other rules', colour: SERIES_COLOURS[7], values: byRule.map((c) =>
        c.counts.filter((x) => !top.includes(x.key)).reduce((sum, x) => sum + x.count, 0)) });
    }
    replace(charts, stackedBars('Alerts by priority over time', starts, bucketMs, prioritySeries),
      stackedBars('Alerts by rule over time', starts, bucketMs, ruleSeries));
    charts.setAttribute('aria-busy', 'false');
  }
}

function filterForm(apply: () => void): HTMLFormElement {
  const range = h('select', { name: 'range' }, RANGES.map((r) => h('option', { value: r.value, selected: r.value === filters.range }, r.label)));
  const from = h('input', { type: 'datetime-local', name: 'from', value: filters.from });
  const to = h('input', { type: 'datetime-local', name: 'to', value: filters.to });
  const custom = h('div', { class: 'custom-range', hidden: filters.range !== 'custom' }, field('From', from), field('To', to));
  range.addEventListener('change', () => { custom.hidden = range.value !== 'custom'; });
  const priority = h('select', { name: 'priority' }, h('option', { value: '' }, 'Any priority'),
    PRIORITIES.map((p) => h('option', { value: p, selected: p === filters.priority }, `${falcoName(p)} and up`)));
  const text = (name: keyof Filters, list?: string) => h('input', { type: name === 'text' ? 'search' : 'text', name, value: filters[name], list });
  const inputs = {
    rule: text('rule', 'dl-rules'), cluster: text('cluster', 'dl-clusters'), task: text('task', 'dl-tasks'),
    container: text('container', 'dl-containers'), text: text('text'),
  };
  const form = h('form', {
    class: 'filters', role: 'search', 'aria-label': 'Filter alerts',
    onsubmit: (e: Event) => {
      e.preventDefault();
      filters.range = range.value;
      filters.from = from.value;
      filters.to = to.value;
      filters.priority = priority.value;
      for (const [k, el] of Object.entries(inputs)) filters[k as keyof Filters] = el.value.trim();
      apply();
    },
  },
  field('Time range', range), custom, field('Priority', priority), field('Rule', inputs.rule), field('Cluster', inputs.cluster),
  field('Task family', inputs.task), field('Container', inputs.container), field('Free text', inputs.text, 'Anywhere in the alert, any case.'),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
    h('button', { type: 'reset', onclick: () => {
      Object.assign(filters, { range: '24h', from: '', to: '', priority: '', rule: '', cluster: '', task: '', container: '', text: '' });
      custom.hidden = true;
      window.setTimeout(apply);
    } }, 'Clear filters')));
  return form;
}

/** Fields that name a process and its ancestors, nearest first: Falco's proc.* / proc.p* / proc.a*[n]. */
function ancestry(f: Record<string, unknown>): { name: string; pid: string; cmd: string }[] {
  const str = (k: string) => (f[k] === undefined || f[k] === null ? '' : String(f[k]));
  const chain = [
    { name: str('proc.name'), pid: str('proc.pid'), cmd: str('proc.cmdline') || str('proc.exepath') || str('proc.exe') },
    { name: str('proc.pname') || str('proc.aname[1]'), pid: str('proc.ppid') || str('proc.apid[1]'),
      cmd: str('proc.pcmdline') || str('proc.pexepath') || str('proc.pexe') },
  ];
  for (let n = 2; n <= 16; n++) {
    if (!(`proc.aname[${n}]` in f) && !(`proc.apid[${n}]` in f)) break;
    chain.push({ name: str(`proc.aname[${n}]`), pid: str(`proc.apid[${n}]`), cmd: str(`proc.aexepath[${n}]`) });
  }
  while (chain.length && !chain[chain.length - 1].name && !chain[chain.length - 1].pid) chain.pop();
  return chain;
}

function dl(entries: [string, unknown][]): HTMLElement {
  return h('dl', { class: 'kv' }, entries.map(([k, v]) => [h('dt', null, k),
    h('dd', null, v === undefined || v === null || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

function detailContent(a: Alert, close: () => void): HTMLElement[] {
  const f = a.output_fields ?? {};
  const w = a.workload ?? {};
  const chain = ancestry(f);
  const p = falcoName(a.priority);
  return [
    h('div', { class: 'detail-head' },
      h('h2', { id: 'detail-title', tabindex: '-1' }, a.rule),
      h('button', { type: 'button', class: 'close', 'aria-label': 'Close details', onclick: close }, '×')),
    h('p', null, h('span', { class: `badge p-${p.toLowerCase()}` }, p), ' ', time(a.time)),
    h('p', { class: 'output-full' }, a.output ?? ''),
    h('section', { 'aria-labelledby': 'd-actions' }, h('h3', { id: 'd-actions' }, 'Actions taken'),
      a.actions?.length ? h('ul', { class: 'chips' }, a.actions.map((x) => h('li', { class: `chip act-${x}` }, x))) : h('p', { class: 'muted' }, 'None recorded.'),
      a.policy ? h('p', null, 'Policy: ', h('strong', null, a.policy)) : h('p', { class: 'muted' }, 'No policy (standalone rules).')),
    h('section', { 'aria-labelledby': 'd-ancestry' }, h('h3', { id: 'd-ancestry' }, 'Process ancestry'),
      chain.length
        ? h('ol', { class: 'ancestry' }, chain.map((c, i) => h('li', null,
            h('span', { class: 'rel' }, i === 0 ? 'process' : i === 1 ? 'parent' : `ancestor ${i}`), ' ',
            h('code', null, c.name || '?'), c.pid ? ` (pid ${c.pid})` : '', c.cmd ? h('div', { class: 'cmd' }, h('code', null, c.cmd)) : null)))
        : h('p', { class: 'muted' }, 'This alert carries no process fields.')),
    h('section', { 'aria-labelledby': 'd-workload' }, h('h3', { id: 'd-workload' }, 'Workload'),
      dl([['Cluster', w.cluster], ['Task family', w.task_family], ['Task ARN', w.task_arn], ['Container', w.container_name],
        ['Image', w.image], ['Availability zone', w.availability_zone], ['Host', a.hostname]])),
    h('section', { 'aria-labelledby': 'd-fields' }, h('h3', { id: 'd-fields' }, 'Output fields'),
      Object.keys(f).length ? fieldsTable(f) : h('p', { class: 'muted' }, 'None.')),
    h('section', { 'aria-labelledby': 'd-meta' }, h('h3', { id: 'd-meta' }, 'Alert'),
      dl([['Id', a.id], ['Source', a.source], ['Tags', (a.tags ?? []).join(', ')]])),
  ];
}

function render(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function fieldsTable(f: Record<string, unknown>): HTMLElement {
  const rows = Object.keys(f).sort().map((k) =>
    h('tr', null, h('th', { scope: 'row' }, h('code', null, k)), h('td', null, h('code', null, render(f[k])))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'fields' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', null, rows)));
}
