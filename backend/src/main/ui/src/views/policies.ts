import { ApiError, call, Diagnostic, get, Policy, RulesFile } from '../api';
import { confirmButton, field, h, replace, time } from '../dom';
import { ACTIONS, falcoName, PRIORITIES } from '../model';
import { rulesSection } from './rules';

// As the backend's Names check; written for the browser's unicode-sets mode ('-' escaped).
const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}';
const NAME_TITLE = 'letters, digits, dot, underscore and dash; starting with a letter or digit';

export function policiesView(root: HTMLElement): () => void {
  const policiesBox = h('div', { 'aria-busy': 'true' });
  const filesBox = h('div', { 'aria-busy': 'true' });
  const notice = h('p', { class: 'notice', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const editor = h('div');
  const deleteResult = h('div', { 'aria-live': 'polite' });
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Policies and rules')),
    notice, error,
    h('section', { 'aria-labelledby': 'pol-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'pol-title' }, 'Policies'),
        h('button', { type: 'button', onclick: () => edit(null) }, 'New policy')),
      editor, policiesBox),
    rulesSection(() => void loadFiles()),
    h('section', { 'aria-labelledby': 'rf-title' },
      h('h2', { id: 'rf-title' }, 'Rules files'),
      h('p', { class: 'muted' }, 'Falco rules files, loaded in order. A file is stored only when all files together still load.'),
      filesBox, deleteResult, uploadForm()));

  void loadPolicies();
  void loadFiles();
  return () => {};

  function fail(e: unknown, what: string): void {
    if ((e as ApiError).status === 401) return;
    const err = e as ApiError;
    const where = err.body?.field ? ` (field ${String(err.body.field)})` : '';
    error.textContent = `${what}: ${err.message}${where}`;
    error.hidden = false;
  }

  function say(text: string): void {
    error.hidden = true;
    notice.textContent = text;
  }

  async function loadPolicies(): Promise<void> {
    try {
      const { policies } = await get<{ policies: Policy[] }>('/api/v1/policies');
      replace(policiesBox, policies.length ? h('div', { class: 'table-wrap' }, h('table', null,
        h('caption', { class: 'sr-only' }, 'Policies'),
        h('thead', null, h('tr', null, ['Enabled', 'Name', 'Selects', 'From priority', 'Actions', 'Scope', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, policies.map(policyRow)))) : h('p', { class: 'empty' }, 'No policies yet. Alerts are raised only for rules a policy covers.'));
      policiesBox.setAttribute('aria-busy', 'false');
    } catch (e) {
      fail(e, 'Could not load policies');
    }
  }

  function policyRow(p: Policy): HTMLElement {
    const toggle = h('input', {
      type: 'checkbox', role: 'switch', checked: p.enabled, 'aria-label': `Enable policy ${p.name}`,
      onchange: async () => {
        toggle.disabled = true;
        try {
          await call('PUT', `/api/v1/policies/${encodeURIComponent(p.name)}`, { ...p, enabled: toggle.checked });
          await loadPolicies();
          say(`Policy ${p.name} ${toggle.checked ? 'enabled' : 'disabled'}.`);
        } catch (e) {
          toggle.checked = !toggle.checked;
          fail(e, `Could not change policy ${p.name}`);
        } finally {
          toggle.disabled = false;
        }
      },
    });
    const scope = Object.entries(p.scope ?? {}).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(', ') || 'everywhere';
    return h('tr', { 'data-policy': p.name },
      h('td', null, toggle),
      h('th', { scope: 'row' }, p.name),
      h('td', null, p.rules ? `rules: ${p.rules.join(', ')}` : `tags: ${(p.tags ?? []).join(', ')}`),
      h('td', null, falcoName(p.min_priority)),
      h('td', null, h('ul', { class: 'chips' }, p.actions.map((a) => h('li', { class: `chip act-${a}` }, a)))),
      h('td', null, scope),
      h('td', { class: 'row-actions' }, h('button', { type: 'button', onclick: () => edit(p), 'aria-label': `Edit policy ${p.name}` }, 'Edit'), ' ',
        confirmButton('Delete', `policy ${p.name}`, async () => {
          try {
            await call('DELETE', `/api/v1/policies/${encodeURIComponent(p.name)}`);
            await loadPolicies();
            say(`Policy ${p.name} deleted.`);
          } catch (e) {
            fail(e, `Could not delete policy ${p.name}`);
          }
        })));
  }

  function edit(p: Policy | null): void {
    const name = h('input', { name: 'name', required: true, value: p?.name ?? '', readonly: p ? true : undefined, pattern: NAME_PATTERN, title: NAME_TITLE });
    const by = h('select', { name: 'by' }, h('option', { value: 'rules', selected: !p || !!p.rules }, 'rule names'),
      h('option', { value: 'tags', selected: !!p?.tags }, 'rule tags'));
    const list = h('textarea', { name: 'list', rows: 2, required: true }, (p?.rules ?? p?.tags ?? []).join('\n'));
    const min = h('select', { name: 'min_priority' }, PRIORITIES.map((x) => h('option', { value: x, selected: x === (p?.min_priority ?? 'debug') }, falcoName(x))));
    const actionBoxes = ACTIONS.map((a) => h('input', { type: 'checkbox', name: 'action', value: a.name, checked: (p?.actions ?? ['notify']).includes(a.name) }));
    const scopeInputs = (['cluster', 'task_family', 'container_name', 'image_prefix'] as const).map((k) =>
      [k, h('input', { name: k, value: p?.scope?.[k] ?? '' })] as const);
    const formError = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', {
      class: 'card editor', 'aria-labelledby': 'edit-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const items = list.value.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
        const scope: Record<string, string> = {};
        for (const [k, el] of scopeInputs) if (el.value.trim()) scope[k] = el.value.trim();
        const body: Record<string, unknown> = {
          name: name.value.trim(), enabled: p?.enabled ?? true, min_priority: min.value,
          actions: actionBoxes.filter((b) => b.checked).map((b) => b.value), scope,
          [by.value]: items,
        };
        try {
          await call('PUT', `/api/v1/policies/${encodeURIComponent(name.value.trim())}`, body);
          replace(editor);
          await loadPolicies();
          say(`Policy ${name.value.trim()} saved.`);
        } catch (err) {
          const ae = err as ApiError;
          formError.textContent = `Not saved: ${ae.message}${ae.body?.field ? ` (field ${String(ae.body.field)})` : ''}`;
          formError.hidden = false;
        }
      },
    },
    h('h3', { id: 'edit-title' }, p ? `Edit policy ${p.name}` : 'New policy'),
    h('div', { class: 'grid' },
      field('Name', name), field('Select by', by),
      field('Rule names or tags', list, 'One per line or separated by commas.'),
      field('From priority', min)),
    h('fieldset', null, h('legend', null, 'Actions'), actionBoxes.map((b, i) =>
      h('label', { class: 'check' }, b, ` ${ACTIONS[i].label}`))),
    h('fieldset', null, h('legend', null, 'Scope (empty fields match everything)'),
      h('div', { class: 'grid' }, scopeInputs.map(([k, el]) => field(k.replace('_', ' '), el)))),
    formError,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save policy'),
      h('button', { type: 'button', onclick: () => replace(editor) }, 'Cancel')));
    replace(editor, form);
    (p ? list : name).focus();
  }

  async function loadFiles(): Promise<void> {
    try {
      const { rules_files } = await get<{ rules_files: RulesFile[] }>('/api/v1/rules-files');
      replace(filesBox, rules_files.length ? h('div', { class: 'table-wrap' }, h('table', null,
        h('caption', { class: 'sr-only' }, 'Rules files in load order'),
        h('thead', null, h('tr', null, ['Load order', 'Name', 'Size', 'Updated', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rules_files.map((f) => {
          const view = h('button', { type: 'button', 'aria-expanded': 'false', onclick: () => void show(f, view) }, 'View');
          return h('tr', null, h('td', null, String(f.load_order)), h('th', { scope: 'row' }, f.name),
            h('td', null, `${f.size.toLocaleString()} bytes`), h('td', null, time(f.updated_at)),
            h('td', { class: 'row-actions' }, view, ' ', confirmButton('Delete', `rules file ${f.name}`, () => remove(f))));
        })))) : h('p', { class: 'empty' }, 'No rules files.'));
      filesBox.setAttribute('aria-busy', 'false');
    } catch (e) {
      fail(e, 'Could not load rules files');
    }
  }

  /** Deleting is refused (409) when the remaining files no longer load; the problems are shown like an upload's. */
  async function remove(f: RulesFile): Promise<void> {
    replace(deleteResult);
    try {
      await call('DELETE', `/api/v1/rules-files/${encodeURIComponent(f.name)}`);
      await loadFiles();
      say(`Rules file ${f.name} deleted.`);
    } catch (e) {
      const ae = e as ApiError;
      if (ae.status === 401) return;
      const diags = (ae.body?.diagnostics ?? []) as Diagnostic[];
      replace(deleteResult, h('div', { role: 'alert' },
        h('p', { class: 'error' }, `${f.name} was not deleted: ${ae.status === 409 ? 'the other files need it.' : ae.message}`),
        diags.length ? diagnostics(diags, '', f.name, 'Problems without it') : null));
    }
  }

  async function show(f: RulesFile, button: HTMLButtonElement): Promise<void> {
    const row = button.closest('tr')!;
    const next = row.nextElementSibling;
    if (next?.classList.contains('file-content')) {
      next.remove();
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    const res = await call<{ content: string }>('GET', `/api/v1/rules-files/${encodeURIComponent(f.name)}?format=json`);
    row.after(h('tr', { class: 'file-content' }, h('td', { colspan: 5 }, h('pre', { tabindex: '0', 'aria-label': `Content of ${f.name}` }, res.content))));
    button.setAttribute('aria-expanded', 'true');
  }

  function uploadForm(): HTMLElement {
    const name = h('input', { name: 'name', required: true, pattern: NAME_PATTERN, title: NAME_TITLE, placeholder: 'my_rules.yaml' });
    const file = h('input', { type: 'file', name: 'file', accept: '.yaml,.yml,application/yaml,text/yaml' });
    const text = h('textarea', { name: 'content', rows: 8, spellcheck: 'false', class: 'mono' });
    const result = h('div', { class: 'upload-result', 'aria-live': 'polite' });
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      text.value = await chosen.text();
      if (!name.value) name.value = chosen.name;
    });
    return h('form', {
      class: 'card upload', 'aria-labelledby': 'upload-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        replace(result);
        const content = text.value;
        try {
          const stored = await call<RulesFile & { warnings: Diagnostic[] }>('PUT',
            `/api/v1/rules-files/${encodeURIComponent(name.value.trim())}`, content, 'application/yaml');
          await loadFiles();
          replace(result, h('p', { class: 'notice' }, `Stored ${stored.name} (load order ${stored.load_order}).`),
            stored.warnings?.length ? diagnostics(stored.warnings, content, name.value.trim(), 'Warnings') : null);
        } catch (err) {
          const ae = err as ApiError;
          const diags = (ae.body?.diagnostics ?? []) as Diagnostic[];
          replace(result, h('div', { role: 'alert' },
            h('p', { class: 'error' }, ae.status === 422 ? `Not stored: the rules do not load.` : `Not stored: ${ae.message}`),
            diags.length ? diagnostics(diags, content, name.value.trim(), 'Problems') : null));
        }
      },
    },
    h('h3', { id: 'upload-title' }, 'Upload a rules file'),
    h('div', { class: 'grid' }, field('File name', name, 'Uploading an existing name replaces that file.'), field('Choose a file', file)),
    field('Or paste YAML', text),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Upload')),
    result);
  }
}

/** Each problem with its position and, for the file being uploaded, the line itself with a caret under the column. */
function diagnostics(diags: Diagnostic[], content: string, uploaded: string, title: string): HTMLElement {
  const lines = content.split(/\r?\n/);
  return h('section', { class: 'diagnostics', 'aria-label': title },
    h('h4', null, title),
    h('ul', null, diags.map((d) => {
      const src = d.file === uploaded && d.line > 0 ? lines[d.line - 1] : undefined;
      return h('li', { class: `diag ${d.severity}` },
        h('span', { class: 'pos' }, `${d.file}:${d.line}:${d.column}`), ' ',
        h('span', { class: 'sev' }, d.severity), ' ', h('code', null, d.code), ': ', d.message,
        src !== undefined ? h('pre', { class: 'excerpt', 'aria-label': `line ${d.line}` },
          `${String(d.line).padStart(4)} | ${src}\n       ${' '.repeat(Math.max(d.column - 1, 0))}^`) : null);
    })));
}
