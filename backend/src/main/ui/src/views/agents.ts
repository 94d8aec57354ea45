import { ApiError, ConnectedAgent, get, Orchestrator } from '../api';
import { ago, h, replace, time } from '../dom';
import { PROTOCOL_MAJOR } from '../model';

const REFRESH_MS = 10_000;

/** Why an agent may misbehave with its orchestrator, or null when nothing stands out. */
export function compatibility(agent: ConnectedAgent, orchestrator: Orchestrator): string | null {
  if (agent.protocol && agent.protocol !== PROTOCOL_MAJOR) {
    return `speaks protocol ${agent.protocol}; this release speaks ${PROTOCOL_MAJOR}: upgrade the agent`;
  }
  const a = minor(agent.agent_version), o = minor(orchestrator.version);
  if (a && o) {
    if (a[0] !== o[0]) return `agent ${agent.agent_version} and orchestrator ${orchestrator.version} differ in major version`;
    // The CI checks neighbouring minor versions only.
    if (Math.abs(a[1] - o[1]) > 1) return `agent ${agent.agent_version} is more than one minor version from orchestrator ${orchestrator.version} (untested)`;
  }
  if (!agent.agent_version) return 'agent did not report its version';
  return null;
}

function minor(v?: string): [number, number] | null {
  const m = v?.match(/^v?(\d+)\.(\d+)/);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function agentsView(root: HTMLElement): () => void {
  const body = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  replace(root, h('div', { class: 'page-head' }, h('h1', null, 'Agents')),
    h('p', { class: 'muted' }, 'Orchestrators report their connected workload agents every few seconds. An orchestrator silent for a minute is marked stale.'),
    error, body);
  let timer = 0;
  let stopped = false;
  const load = async () => {
    try {
      const { orchestrators } = await get<{ orchestrators: Orchestrator[] }>('/api/v1/agents');
      error.hidden = true;
      replace(body, orchestrators.length ? orchestrators.map(card) : h('p', { class: 'empty' },
        'No orchestrator has reported yet. Start one with an access key (see Access keys).'));
      body.setAttribute('aria-busy', 'false');
    } catch (e) {
      if ((e as ApiError).status !== 401) {
        error.textContent = `Could not load agents: ${(e as Error).message}`;
        error.hidden = false;
      }
    }
    if (!stopped) timer = window.setTimeout(load, REFRESH_MS);
  };
  void load();
  return () => { stopped = true; window.clearTimeout(timer); };
}

function card(o: Orchestrator): HTMLElement {
  const warnings = o.agents.map((a) => compatibility(a, o)).filter(Boolean).length;
  const headingId = `orch-${o.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  return h('section', { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Orchestrator ', h('code', null, o.id),
      o.stale ? h('span', { class: 'badge warn' }, 'stale') : h('span', { class: 'badge ok' }, 'live')),
    h('dl', { class: 'kv inline' },
      h('dt', null, 'Version'), h('dd', null, o.version ?? 'unknown'),
      h('dt', null, 'Last seen'), h('dd', null, time(o.last_seen), ` (${ago(o.last_seen)})`),
      h('dt', null, 'Spool'), h('dd', null, `${o.spool_depth} batch${o.spool_depth === 1 ? '' : 'es'} waiting`),
      h('dt', null, 'Agents'), h('dd', null, String(o.agents.length)),
      h('dt', null, 'Warnings'), h('dd', null, String(warnings))),
    o.agents.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
          h('caption', { class: 'sr-only' }, `Agents connected to ${o.id}`),
          h('thead', null, h('tr', null, ['Agent', 'Version', 'Protocol', 'Workload', 'Connected', 'Compatibility'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, o.agents.map((a) => {
            const warn = compatibility(a, o);
            const m = a.metadata ?? {};
            return h('tr', { class: warn ? 'warn-row' : undefined },
              h('td', { 'data-label': 'Agent' }, h('code', null, a.agent_id)),
              h('td', { 'data-label': 'Version' }, a.agent_version ?? '—'),
              h('td', { 'data-label': 'Protocol' }, String(a.protocol ?? '—')),
              h('td', { 'data-label': 'Workload' }, [m.cluster, m.task_family, m.container_name].filter(Boolean).join(' / ') || '—'),
              h('td', { 'data-label': 'Connected' }, time(a.connected_at)),
              h('td', { 'data-label': 'Compatibility' }, warn ? h('span', { class: 'warn-text' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), warn) : 'compatible'));
          }))))
      : h('p', { class: 'muted' }, 'No agents connected.'));
}
