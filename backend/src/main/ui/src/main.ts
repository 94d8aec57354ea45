import './style.css';
import { ApiError, call, setToken, token, whenUnauthorized } from './api';
import { h, replace, field } from './dom';
import { alertsView } from './views/alerts';
import { agentsView } from './views/agents';
import { policiesView } from './views/policies';
import { keysView } from './views/keys';

/** A view renders into its container and returns a function that stops its timers. */
export type View = (root: HTMLElement) => () => void;

const ROUTES: { path: string; title: string; view: View }[] = [
  { path: 'alerts', title: 'Alerts', view: alertsView },
  { path: 'agents', title: 'Agents', view: agentsView },
  { path: 'policies', title: 'Policies and rules', view: policiesView },
  { path: 'keys', title: 'Access keys', view: keysView },
];

const app = document.getElementById('app')!;
let stopView: () => void = () => {};

whenUnauthorized((message) => {
  setToken(null);
  signIn(`Signed out: ${message}. Sign in again.`);
});

window.addEventListener('hashchange', () => render());
render();

function currentRoute() {
  const path = location.hash.replace(/^#\/?/, '').split('?')[0];
  return ROUTES.find((r) => r.path === path) ?? ROUTES[0];
}

function render(): void {
  stopView();
  stopView = () => {};
  if (!token()) {
    signIn();
    return;
  }
  const route = currentRoute();
  document.title = `${route.title} · Peregrine`;
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(app,
    h('header', { class: 'topbar' },
      h('span', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◭'), 'Peregrine'),
      h('nav', { 'aria-label': 'Sections' },
        h('ul', null, ROUTES.map((r) => h('li', null,
          h('a', { href: `#/${r.path}`, 'aria-current': r === route ? 'page' : undefined }, r.title))))),
      h('button', { type: 'button', class: 'link signout', onclick: () => { setToken(null); signIn('Signed out.'); } }, 'Sign out')),
    main);
  stopView = route.view(main);
}

function signIn(notice?: string): void {
  stopView();
  stopView = () => {};
  document.title = 'Sign in · Peregrine';
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const status = h('p', { class: 'notice', role: 'status' }, notice ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', {
    class: 'signin', 'aria-labelledby': 'signin-title',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const t = input.value.trim();
      button.disabled = true;
      error.hidden = true;
      try {
        // Any admin-only endpoint proves the token; settings is the smallest answer.
        await call('GET', '/api/v1/settings', undefined, undefined, t);
        setToken(t);
        // A changed hash renders through the hashchange listener; an unchanged one needs a call.
        if (location.hash.startsWith('#/')) render();
        else location.hash = '#/alerts';
      } catch (err) {
        const e2 = err as ApiError;
        error.textContent = e2.status === 401 || e2.status === 403
          ? `The backend did not accept this token (${e2.message}). Check PEREGRINE_ADMIN_TOKEN or the token printed at first start.`
          : `Could not sign in: ${e2.message}`;
        error.hidden = false;
        input.select();
        input.focus();
      } finally {
        button.disabled = false;
      }
    },
  },
  h('h1', { id: 'signin-title' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◭'), ' Peregrine'),
  status,
  field('Admin token', input, 'Kept in this browser tab only (session storage) until you sign out or close the tab.'),
  error,
  button);
  replace(app, h('main', { id: 'main', class: 'signin-page' }, form));
  input.focus();
}
