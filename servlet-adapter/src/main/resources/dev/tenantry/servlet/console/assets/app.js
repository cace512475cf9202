// The console's shell: loads who the caller is, routes between pages without reloading, keeps the address in step.
import * as api from './api.js';
import { alert, badge, clear, el } from './dom.js';
import dashboard from './page-dashboard.js';
import auditLog from './page-audit.js';
import exportsPage from './page-exports.js';
import sessionsPage from './page-sessions.js';
import organizationPage from './page-organization.js';
import signInPage from './page-sign-in.js';

const base = document.documentElement.dataset.base;
const PAGES = {
  '': { title: 'Dashboard', render: dashboard },
  audit: { title: 'Audit log', render: auditLog },
  exports: { title: 'Data exports', render: exportsPage },
  sessions: { title: 'Sessions', render: sessionsPage },
  organization: { title: 'Organization', render: organizationPage, whileInactive: true },
  'sign-in': { title: 'Sign in', render: signInPage, open: true }
};

let context = null;
let cleanup = null;
let firstRender = true;

function pageName() {
  const rest = window.location.pathname.slice(base.length).replace(/^\/+|\/+$/g, '');
  return Object.prototype.hasOwnProperty.call(PAGES, rest) ? rest : null;
}

const app = {
  base,
  api,
  get context() {
    return context;
  },
  /** The address of a console page, with query parameters. */
  href(page, params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== '') query.set(key, value);
    }
    const text = query.toString();
    return `${base}/${page}${text ? `?${text}` : ''}`;
  },
  navigate(href, options = {}) {
    if (options.replace) window.history.replaceState(null, '', href);
    else window.history.pushState(null, '', href);
    return render();
  },
  /** Reads the context again (after signing in or out, or a change of the organization) and redraws the page. */
  async reload() {
    await loadContext();
    return render();
  },
  permits(operation) {
    return Boolean(context && context.permissions && context.permissions[operation]);
  },
  notify(message, kind = 'ok') {
    const notice = document.getElementById('notice');
    clear(notice).append(alert(kind, message));
  }
};

async function loadContext() {
  try {
    context = await api.get(`${base}/context`);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401 && api.session.token()) {
      // The token is no longer accepted: forget it and ask again.
      api.session.forget();
      context = await api.get(`${base}/context`);
    } else {
      throw error;
    }
  }
  return context;
}

async function signOut() {
  const endpoint = context && context.console.signOut;
  if (endpoint && api.session.token()) {
    try {
      await api.send('POST', endpoint);
    } catch (error) {
      // The token is forgotten whatever the application answers.
    }
  }
  api.session.forget();
  await loadContext();
  return app.navigate(app.href('sign-in'));
}

function renderChrome(name) {
  const who = clear(document.getElementById('who'));
  const nav = document.getElementById('nav');
  const ready = context && context.permitted;
  nav.hidden = !ready;
  for (const link of nav.querySelectorAll('a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!context || !context.user) return;
  const organization = context.organization;
  if (organization) {
    who.append(el('span', { class: 'org', text: organization.name }),
      el('span', { class: 'badge', text: organization.plan, title: 'plan' }));
    if (organization.status !== 'ACTIVE') who.append(badge(organization.status));
  } else if (context.tenant) {
    who.append(el('span', { class: 'org', text: context.tenant }));
  }
  who.append(el('span', { text: `Signed in as ${context.user}` }));
  if (context.console.signIn || context.console.signOut) {
    who.append(el('button', { type: 'button', class: 'secondary', text: 'Sign out', on: { click: signOut } }));
  }
}

function blocked(main, name) {
  const c = context;
  if (!c.user || (!c.tenant && c.console.tenantHeader && c.console.signIn)) {
    if (c.console.signIn) {
      if (name !== 'sign-in') {
        const next = window.location.pathname + window.location.search;
        window.history.replaceState(null, '', app.href('sign-in', { next }));
      }
      return 'sign-in';
    }
    main.append(el('h1', { text: 'Sign in first' }), alert('info',
      el('p', { text: 'This console uses your sign-in to the application. Sign in there, then come back.' })));
    return null;
  }
  if (name === 'sign-in') {
    return '';
  }
  if (!c.tenant) {
    main.append(el('h1', { text: 'Which organization?' }), alert('info', el('p',
      { text: 'This address names no organization. Open the console at your organization\'s address.' })));
    return null;
  }
  if (!c.permitted) {
    main.append(el('h1', { text: 'No access' }), alert('warn', el('p', {
      text: `You are signed in as ${c.user}, who may not use the admin console of ${c.tenant}.`
    }), el('p', { text: 'Ask an administrator of the organization if you need it.' })));
    return null;
  }
  return name;
}

async function render() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  clear(document.getElementById('notice'));
  const main = clear(document.getElementById('main'));
  let name = pageName();
  if (name === null) {
    renderChrome(null);
    main.append(el('h1', { text: 'Not found' }), el('p', null, 'No console page is here. ',
      el('a', { href: app.href(''), 'data-route': '', text: 'Go to the dashboard' })));
    return;
  }
  name = blocked(main, name);
  if (name === null) {
    renderChrome(null);
    document.title = 'Tenantry console';
    return;
  }
  if (name === '' && pageName() === 'sign-in') {
    // Signed in already: straight on.
    window.history.replaceState(null, '', app.href(''));
  }
  const page = PAGES[name];
  renderChrome(name);
  const organization = context.organization;
  document.title = `${page.title} · ${organization ? organization.name : 'Tenantry'} console`;
  const heading = el('h1', { text: page.title, tabindex: '-1' });
  main.append(heading);
  if (!page.open && !page.whileInactive && organization && organization.status !== 'ACTIVE') {
    main.append(alert('bad', el('p', { text: organization.status === 'DELETION_SCHEDULED'
      ? `${organization.name} is scheduled for deletion. Its data cannot be used until the deletion is cancelled.`
      : `${organization.name} is ${organization.status.toLowerCase()}. Its data cannot be used meanwhile.` }),
    el('p', null, el('a', { href: app.href('organization'), 'data-route': 'organization',
      text: 'See the organization' }))));
    return;
  }
  if (!firstRender) heading.focus();
  firstRender = false;
  try {
    cleanup = (await page.render(main, app)) || null;
  } catch (error) {
    main.append(alert('bad', el('p', { text: `This page could not be loaded: ${error.message}` })));
  }
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-route]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
      || event.altKey) {
    return;
  }
  event.preventDefault();
  app.navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', () => render());
window.addEventListener('tenantry:signed-out', () => {
  api.session.forget();
  app.reload();
});

async function start() {
  try {
    await loadContext();
  } catch (error) {
    const main = clear(document.getElementById('main'));
    main.append(el('h1', { text: 'The console cannot start' }), alert('bad', el('p', { text: error.message })));
    return;
  }
  await render();
}

start();
