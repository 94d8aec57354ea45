import { ApiError, call, get } from '../api';
import { field, h, replace } from '../dom';

export interface RuleInfo {
  name: string; file: string; line: number; description: string; priority: string; source: string; tags: string[];
  enabled: boolean; policies: string[];
}

/**
 * Rules are switched on and off the way Falco does it: a rules file loaded after all others
 * holds one `override: {enabled: replace}` entry per switched rule. The UI owns this file and
 * rewrites it whole; it is an ordinary rules file, visible and validated like any other.
 */
export const SWITCHES_FILE = 'ui_rule_switches.yaml';
const SWITCHES_LOAD_ORDER = 1_000_000;
const SHOWN = 200;

export function parseSwitches(yaml: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  let current: string | null = null;
  for (const line of yaml.split('\n')) {
    const rule = line.match(/^- rule: (".*")\s*$/);
    if (rule) current = JSON.parse(rule[1]) as string;
    const enabled = line.match(/^ {2}enabled: (true|false)\s*$/);
    if (enabled && current !== null) out.set(current, enabled[1] === 'true');
  }
  return out;
}

export function writeSwitches(switches: Map<string, boolean>): string {
  const lines = ['# Rule switches written by the Peregrine web UI (Policies and rules > Rules).',
    '# Each entry turns one rule on or off; this file loads after all others.'];
  for (const [name, enabled] of [...switches.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    // A JSON string is a valid YAML double-quoted scalar.
    lines.push(`- rule: ${JSON.stringify(name)}`, '  override:', '    enabled: replace', `  enabled: ${enabled}`);
  }
  return lines.join('\n') + '\n';
}

/** The rules section; `changed` is called after a switch so the files list can refresh. */
export function rulesSection(changed: () => void): HTMLElement {
  const search = h('input', { type: 'search', name: 'rule-search', placeholder: 'name, tag or file' });
  const box = h('div', { 'aria-busy': 'true' });
  const status = h('p', { class: 'status', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  let rules: RuleInfo[] = [];
  search.addEventListener('input', () => render());
  void load();
  return h('section', { 'aria-labelledby': 'rules-title' },
    h('h2', { id: 'rules-title' }, 'Rules'),
    h('p', { class: 'muted' }, `Every rule of the current bundle. Switching one writes ${SWITCHES_FILE}, loaded after all other files.`),
    h('div', { class: 'inline-form' }, field('Find rules', search)), status, error, box);

  async function load(): Promise<void> {
    try {
      rules = (await get<{ rules: RuleInfo[] }>('/api/v1/rules')).rules;
      render();
      box.setAttribute('aria-busy', 'false');
    } catch (e) {
      if ((e as ApiError).status !== 401) {
        error.textContent = `Could not load rules: ${(e as Error).message}`;
        error.hidden = false;
      }
    }
  }

  function render(): void {
    const q = search.value.trim().toLowerCase();
    const matching = rules.filter((r) => !q || r.name.toLowerCase().includes(q) || r.file.toLowerCase().includes(q)
      || r.tags.some((t) => t.toLowerCase().includes(q)));
    status.textContent = `${matching.length} of ${rules.length} rules${matching.length > SHOWN ? `, first ${SHOWN} shown` : ''}; `
      + `${rules.filter((r) => r.enabled).length} enabled.`;
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'rules' },
      h('caption', { class: 'sr-only' }, 'Rules in load order'),
      h('thead', null, h('tr', null, ['Enabled', 'Rule', 'Priority', 'Tags', 'Defined at', 'Policies'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, matching.slice(0, SHOWN).map(row)))));
  }

  function row(r: RuleInfo): HTMLElement {
    const toggle = h('input', {
      type: 'checkbox', role: 'switch', checked: r.enabled, 'aria-label': `Enable rule ${r.name}`,
      onchange: () => void flip(r, toggle),
    });
    return h('tr', { 'data-rule': r.name },
      h('td', null, toggle),
      h('th', { scope: 'row', title: r.description }, r.name),
      h('td', null, r.priority),
      h('td', { class: 'tags' }, r.tags.join(', ')),
      h('td', { class: 'nowrap' }, h('code', null, `${r.file}:${r.line}`)),
      h('td', null, r.policies.length ? r.policies.join(', ') : h('span', { class: 'muted' }, 'none')));
  }

  async function flip(r: RuleInfo, toggle: HTMLInputElement): Promise<void> {
    toggle.disabled = true;
    error.hidden = true;
    try {
      let current = '';
      try {
        current = (await call<{ content: string }>('GET', `/api/v1/rules-files/${SWITCHES_FILE}?format=json`)).content;
      } catch (e) {
        if ((e as ApiError).status !== 404) throw e;
      }
      const switches = parseSwitches(current);
      switches.set(r.name, toggle.checked);
      await call('PUT', `/api/v1/rules-files/${SWITCHES_FILE}?load_order=${SWITCHES_LOAD_ORDER}`, writeSwitches(switches), 'application/yaml');
      await load();
      status.textContent = `Rule ${r.name} ${toggle.checked ? 'enabled' : 'disabled'}. ${status.textContent}`;
      changed();
    } catch (e) {
      toggle.checked = !toggle.checked;
      const ae = e as ApiError;
      if (ae.status !== 401) {
        error.textContent = `Could not switch ${r.name}: ${ae.message}`;
        error.hidden = false;
      }
    } finally {
      toggle.disabled = false;
    }
  }
}
