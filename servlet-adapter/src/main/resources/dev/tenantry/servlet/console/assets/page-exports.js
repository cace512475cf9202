// Data exports: request one, watch its status change without reloading, download it while it lasts, history.
import { alert, badge, bytes, clear, el, field, table, time } from './dom.js';

const ACTIVE = new Set(['PENDING', 'RUNNING']);

export default async function exportsPage(main, app) {
  const endpoint = app.context.endpoints.exports;
  if (!endpoint) {
    main.append(alert('info', el('p', { text: 'Data exports are not available here.' })));
    return null;
  }
  const wholeOrganization = app.permits('EXPORT_TENANT_DATA');
  const message = el('div', { id: 'exports-message', role: 'status', 'aria-live': 'polite' });
  const scopeChoice = (value, label, checked, disabled) => el('label', null,
    el('input', { type: 'radio', name: 'scope', value, checked, disabled }), label);
  const format = el('select', { name: 'format', id: 'export-format' },
    el('option', { value: 'ndjson', text: 'NDJSON (one JSON document a line)' }),
    el('option', { value: 'json', text: 'JSON' }), el('option', { value: 'csv', text: 'CSV' }));
  const submit = el('button', { type: 'submit', id: 'request-export', text: 'Request export' });
  const form = el('form', { class: 'panel stack', id: 'export-form', 'aria-label': 'Request a data export' },
    el('h2', { text: 'Request an export' }),
    el('fieldset', { class: 'field' }, el('legend', { text: 'What' }), el('div', { class: 'choices' },
      scopeChoice('tenant', 'The whole organization', wholeOrganization, !wholeOrganization),
      scopeChoice('user', `Your own data (${app.context.user})`, !wholeOrganization, false))),
    field('Format', format), el('div', null, submit), message);
  main.append(form);

  const history = el('div', { id: 'exports-history' });
  main.append(el('h2', { text: 'History' }), history);
  let timer = null;
  let delay = 1000;
  let stopped = false;

  async function refresh() {
    timer = null;
    let list;
    try {
      list = await app.api.get(endpoint, { limit: 50 });
    } catch (error) {
      clear(history).append(alert('bad', el('p', { text: `The exports could not be read: ${error.message}` })));
      return;
    }
    if (stopped) return;
    render(list.exports);
    if (list.exports.some((e) => ACTIVE.has(e.status))) {
      timer = setTimeout(refresh, delay);
      delay = Math.min(5000, Math.round(delay * 1.5));
    }
  }

  function render(exports) {
    const now = Date.now();
    const rows = exports.map((e) => {
      const expired = e.status === 'EXPIRED' || (e.expiresAt && Date.parse(e.expiresAt) <= now);
      let action = el('span', { class: 'muted', text: '—' });
      if (e.status === 'COMPLETED' && !expired) {
        action = el('button', { type: 'button', class: 'secondary', text: 'Download',
          'aria-label': `Download export ${e.id}`, dataset: { download: e.id } });
        action.addEventListener('click', async () => {
          action.disabled = true;
          try {
            const file = await app.api.download(`${endpoint}/${e.id}/download`, null, `export-${e.id}.${e.format}`);
            clear(message).append(alert('ok', el('p', { text: `Downloaded ${file.name} (${bytes(file.size)}).` })));
          } catch (error) {
            clear(message).append(alert('bad', el('p', { text: `The download failed: ${error.message}` })));
          } finally {
            action.disabled = false;
          }
        });
      } else if (e.status === 'FAILED') {
        action = el('span', { class: 'small', text: e.error || 'failed' });
      } else if (expired) {
        action = el('span', { class: 'muted small', text: 'expired' });
      }
      const count = Object.values(e.counts || {}).reduce((sum, n) => sum + n, 0);
      return el('tr', { dataset: { exportId: e.id, status: e.status } },
        el('td', { class: 'nowrap' }, time(e.requestedAt)), el('td', { text: e.requestedBy }),
        el('td', { text: e.scope === 'tenant' ? 'Organization' : 'User' }),
        el('td', { text: e.format.toUpperCase() }), el('td', null, badge(e.status)),
        el('td', { class: 'num', text: e.status === 'COMPLETED' ? `${count} docs, ${bytes(e.bytes)}` : '' }),
        el('td', { class: 'nowrap' }, e.expiresAt ? time(e.expiresAt) : '—'), el('td', null, action));
    });
    clear(history).append(exports.length === 0
      ? alert('info', el('p', { text: 'No exports yet.' }))
      : table('Exports, newest first', ['Requested', 'By', 'Scope', 'Format', 'Status',
        { text: 'Size', class: 'num' }, 'Expires', ''], rows, { id: 'exports-table', scrollable: true }));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clear(message);
    const scope = new FormData(form).get('scope') || 'user';
    try {
      const created = await app.api.send('POST', endpoint, { scope, format: format.value });
      message.append(alert('ok', el('p', { text: `Export requested; it is ${created.status.toLowerCase()}. `
        + 'This page follows it.' })));
      if (timer) clearTimeout(timer);
      delay = 1000;
      await refresh();
    } catch (error) {
      message.append(alert('bad', el('p', { text: error.message })));
    } finally {
      submit.disabled = false;
    }
  });

  await refresh();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
