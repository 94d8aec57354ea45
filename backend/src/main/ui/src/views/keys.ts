import { AccessKey, ApiError, call, get } from '../api';
import { confirmButton, field, h, replace, time } from '../dom';

export function keysView(root: HTMLElement): () => void {
  const list = h('div', { 'aria-busy': 'true' });
  const created = h('div', { 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const notice = h('p', { class: 'notice', role: 'status' });
  const name = h('input', { name: 'name', required: true, maxlength: 200, placeholder: 'vpc-prod orchestrator' });
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Access keys')),
    h('p', { class: 'muted' }, 'Orchestrators authenticate with an access key. A key may fetch the policy bundle and send events and heartbeats, nothing else.'),
    h('form', {
      class: 'card inline-form', 'aria-labelledby': 'create-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const key = await call<AccessKey>('POST', '/api/v1/access-keys', { name: name.value.trim() });
          name.value = '';
          showSecret(key);
          await load();
        } catch (err) {
          fail(err, 'Could not create the key');
        }
      },
    }, h('h2', { id: 'create-title' }, 'Create a key'), field('Name', name), h('button', { type: 'submit', class: 'primary' }, 'Create key')),
    created, notice, error, list);
  void load();
  return () => {};

  function fail(e: unknown, what: string): void {
    if ((e as ApiError).status === 401) return;
    error.textContent = `${what}: ${(e as Error).message}`;
    error.hidden = false;
  }

  function showSecret(key: AccessKey): void {
    const secret = h('input', { readonly: true, value: key.key ?? '', class: 'mono secret', 'aria-label': `Secret of key ${key.name}` });
    const copied = h('span', { role: 'status' });
    replace(created, h('div', { class: 'card secret-box' },
      h('h3', null, `Key ${key.name} created`),
      h('p', null, h('strong', null, 'Copy it now: it is shown only this once.'), ' The backend keeps only a hash.'),
      h('div', { class: 'row' }, secret,
        h('button', { type: 'button', onclick: async () => {
          secret.select();
          try { await navigator.clipboard.writeText(secret.value); copied.textContent = 'Copied.'; } catch { copied.textContent = 'Selected; copy with Ctrl+C.'; }
        } }, 'Copy'),
        h('button', { type: 'button', onclick: () => replace(created) }, 'Done')),
      copied));
    secret.select();
  }

  async function load(): Promise<void> {
    try {
      const { access_keys } = await get<{ access_keys: AccessKey[] }>('/api/v1/access-keys');
      error.hidden = true;
      replace(list, access_keys.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
        h('caption', { class: 'sr-only' }, 'Access keys'),
        h('thead', null, h('tr', null, ['Name', 'Key', 'Created', 'Last used', 'Status', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, access_keys.map(row)))) : h('p', { class: 'empty' }, 'No access keys yet.'));
      list.setAttribute('aria-busy', 'false');
    } catch (e) {
      fail(e, 'Could not load access keys');
    }
  }

  function row(k: AccessKey): HTMLElement {
    const revoke = async () => {
      try {
        await call('DELETE', `/api/v1/access-keys/${encodeURIComponent(k.id)}`);
        await load();
        notice.textContent = `Key ${k.name} revoked; orchestrators using it are refused from now on.`;
      } catch (e) {
        fail(e, `Could not revoke ${k.name}`);
      }
    };
    return h('tr', { 'data-key': k.id, class: k.revoked ? 'revoked' : undefined },
      h('th', { scope: 'row', 'data-label': 'Name' }, k.name),
      h('td', { 'data-label': 'Key' }, h('code', null, `${k.key_prefix}…`)),
      h('td', { 'data-label': 'Created' }, time(k.created_at)),
      h('td', { 'data-label': 'Last used' }, k.last_used_at ? time(k.last_used_at) : 'never'),
      h('td', { 'data-label': 'Status' }, k.revoked ? h('span', { class: 'badge warn' }, 'revoked ', time(k.revoked_at)) : h('span', { class: 'badge ok' }, 'active')),
      h('td', null, k.revoked ? '' : confirmButton('Revoke', `key ${k.name}`, revoke)));
  }
}
