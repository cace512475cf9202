// The audit log: filters kept in the address, 50 entries a page newest first with cursor paging (stable while new
// entries arrive), an entry's detail, export of the filtered view, and verification of the hash chain.
import { alert, badge, clear, el, field, number, table, time } from './dom.js';

const FILTERS = ['actor', 'action', 'targetType', 'targetId', 'outcome', 'from', 'to'];
const ACTIONS = ['LOGIN', 'LOGOUT', 'CREATE', 'UPDATE', 'DELETE', 'EXPORT', 'SYSTEM_ACCESS', 'AUDIT_PURGE'];
const PAGE_SIZE = 50;

/** An instant as the value of a datetime-local input, in the reader's time zone. */
function localInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}`;
}

function instant(localValue) {
  if (!localValue) return '';
  const date = new Date(localValue);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

function filterForm(app, filters) {
  const text = (name, label, hint) => field(label, el('input', { type: 'text', name, id: `filter-${name}`,
    value: filters[name] || '', autocomplete: 'off', spellcheck: 'false' }), hint);
  const actionInput = el('input', { type: 'text', name: 'action', id: 'filter-action', list: 'known-actions',
    value: filters.action || '', autocomplete: 'off', spellcheck: 'false' });
  const outcome = el('select', { name: 'outcome', id: 'filter-outcome' },
    ['', 'SUCCESS', 'FAILURE', 'DENIED'].map((o) => el('option', { value: o, selected: filters.outcome === o,
      text: o || 'Any' })));
  const from = el('input', { type: 'datetime-local', name: 'from', id: 'filter-from', value: localInput(filters.from) });
  const to = el('input', { type: 'datetime-local', name: 'to', id: 'filter-to', value: localInput(filters.to) });
  const form = el('form', { class: 'filters panel', id: 'audit-filters', role: 'search', 'aria-label': 'Filter entries' },
    text('actor', 'Actor'), field('Action', actionInput),
    el('datalist', { id: 'known-actions' }, ACTIONS.map((a) => el('option', { value: a }))),
    text('targetType', 'Target type', 'customers, session, tenant…'), text('targetId', 'Target id'),
    field('Outcome', outcome), field('From', from), field('Until', to),
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: 'Apply filters' }),
      el('a', { class: 'button secondary', href: app.href('audit'), 'data-route': 'audit', text: 'Clear' })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const params = {};
    for (const name of FILTERS) {
      const value = String(data.get(name) || '').trim();
      if (!value) continue;
      params[name] = name === 'from' || name === 'to' ? instant(value) : value;
    }
    app.navigate(app.href('audit', params));
  });
  return form;
}

function detail(entry, onClose) {
  const row = (label, value, mono) => (value === undefined || value === null || value === '' ? null
    : [el('dt', { text: label }), el('dd', null, mono ? el('code', { text: String(value) }) : String(value))]);
  const close = el('button', { type: 'button', class: 'secondary', text: 'Close', on: { click: onClose } });
  return el('section', { class: 'panel detail', id: 'entry-detail', 'aria-labelledby': 'entry-detail-title',
    dataset: { entryId: entry.id } },
  el('div', { class: 'actions' }, el('h2', { id: 'entry-detail-title', text: `Entry #${entry.sequence}` }),
    el('span', { class: 'spacer' }), close),
  el('dl', { class: 'facts' },
    el('dt', { text: 'Time' }), el('dd', null, time(entry.time)),
    row('Action', entry.action), el('dt', { text: 'Outcome' }), el('dd', null, badge(entry.outcome)),
    row('Reason', entry.reason),
    row('Actor', entry.actorId ? `${entry.actorId}${entry.actorType ? ` (${entry.actorType})` : ''}` : null),
    row('Target type', entry.targetType), row('Target id', entry.targetId, true),
    row('Change summary', entry.summary), row('IP address', entry.ip, true), row('User agent', entry.userAgent),
    row('Request id', entry.requestId, true), row('Client request id', entry.clientRequestId, true),
    row('Entry id', entry.id, true), row('Chain hash', entry.hash, true)));
}

export default async function auditLog(main, app) {
  const endpoint = app.context.endpoints.audit;
  if (!endpoint || !app.permits('READ_AUDIT_LOG')) {
    main.append(alert('info', el('p', { text: 'The audit log is not available to you here.' })));
    return;
  }
  const query = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of FILTERS) {
    if (query.get(name)) filters[name] = query.get(name);
  }
  const cursor = query.get('cursor');
  const pageNumber = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  main.append(filterForm(app, filters));

  const result = el('div', { id: 'audit-result', role: 'status', 'aria-live': 'polite' });
  const tools = el('div', { class: 'actions', id: 'audit-tools' });
  const download = async (format, button) => {
    button.disabled = true;
    clear(result);
    try {
      const file = await app.api.download(`${endpoint}/export`, { ...filters, format }, `audit.${format}`);
      result.append(alert('ok', el('p', { text: `Downloaded ${file.name} (${number(file.size)} bytes).` })));
    } catch (error) {
      result.append(alert('bad', el('p', { text: `The export failed: ${error.message}` })));
    } finally {
      button.disabled = false;
    }
  };
  if (app.permits('EXPORT_AUDIT_LOG')) {
    const csv = el('button', { type: 'button', class: 'secondary', id: 'export-csv', text: 'Export CSV' });
    const ndjson = el('button', { type: 'button', class: 'secondary', id: 'export-ndjson', text: 'Export NDJSON' });
    csv.addEventListener('click', () => download('csv', csv));
    ndjson.addEventListener('click', () => download('ndjson', ndjson));
    tools.append(csv, ndjson);
  }
  const verify = el('button', { type: 'button', class: 'secondary', id: 'verify-chain', text: 'Verify the chain' });
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    clear(result).append(el('p', { class: 'muted', text: 'Verifying every entry\'s hash…' }));
    try {
      const check = await app.api.get(`${endpoint}/verify`);
      clear(result).append(check.intact
        ? alert('ok', el('p', { id: 'chain-verdict', dataset: { intact: 'true' },
          text: `The chain is intact: ${number(check.entriesChecked)} entries checked.` }))
        : alert('bad', el('p', { id: 'chain-verdict', dataset: { intact: 'false', broken: check.firstBrokenSequence },
          text: `The chain is broken at entry #${check.firstBrokenSequence}: ${check.problem}` }),
        el('p', { text: `Entries before #${check.firstBrokenSequence} check out. From #${check.firstBrokenSequence} `
          + 'on, entries may have been changed, removed or reordered outside the application.' })));
      for (const tr of document.querySelectorAll('#audit-table tbody tr')) {
        tr.classList.toggle('broken', !check.intact && tr.dataset.sequence === String(check.firstBrokenSequence));
      }
    } catch (error) {
      clear(result).append(alert('bad', el('p', { text: `Verification failed: ${error.message}` })));
    } finally {
      verify.disabled = false;
    }
  });
  tools.append(el('span', { class: 'spacer' }), verify);
  main.append(tools, result);

  const listing = el('div', { id: 'audit-listing' });
  main.append(listing);
  let page;
  try {
    page = await app.api.get(endpoint, { ...filters, limit: PAGE_SIZE, cursor });
  } catch (error) {
    listing.append(alert('bad', el('p', { text: `The entries could not be read: ${error.message}` })));
    return;
  }
  const detailHost = el('div');
  let selected = query.get('entry');
  const rows = page.entries.map((entry) => {
    const open = el('button', { type: 'button', class: 'link', 'aria-controls': 'entry-detail',
      'aria-label': `Details of entry ${entry.sequence}`, text: `#${entry.sequence}` });
    const tr = el('tr', { dataset: { entryId: entry.id, sequence: entry.sequence } },
      el('td', { class: 'nowrap' }, open), el('td', { class: 'nowrap' }, time(entry.time)),
      el('td', { text: entry.action }), el('td', null, badge(entry.outcome)),
      el('td', null, el('span', { class: 'clip', title: entry.actorId || '', text: entry.actorId || '—' })),
      el('td', null, el('span', { class: 'clip', title: `${entry.targetType || ''} ${entry.targetId || ''}`,
        text: entry.targetType ? `${entry.targetType}${entry.targetId ? ` ${entry.targetId}` : ''}` : '—' })),
      el('td', { class: 'summary', text: entry.summary || entry.reason || '' }));
    open.addEventListener('click', () => show(entry.id, true));
    return tr;
  });
  function show(id, focus) {
    selected = id;
    clear(detailHost);
    for (const tr of listing.querySelectorAll('tr[data-entry-id]')) {
      tr.classList.toggle('selected', tr.dataset.entryId === id);
    }
    const params = new URLSearchParams(window.location.search);
    if (id) params.set('entry', id); else params.delete('entry');
    const text = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${text ? `?${text}` : ''}`);
    const entry = page.entries.find((e) => e.id === id);
    if (!entry) return;
    const panel = detail(entry, () => show(null, false));
    detailHost.append(panel);
    if (focus) panel.querySelector('h2').setAttribute('tabindex', '-1');
    if (focus) panel.querySelector('h2').focus();
  }
  const described = Object.keys(filters).length ? 'matching the filters' : 'of this organization';
  listing.append(
    page.entries.length === 0
      ? alert('info', el('p', { id: 'audit-empty', text: `No entries ${described}${cursor ? ' on this page' : ''}.` }))
      : table(`Page ${pageNumber}: entries ${described}, newest first`, ['#', 'Time', 'Action', 'Outcome', 'Actor',
        'Target', 'Summary'], rows, { id: 'audit-table', scrollable: true }),
    detailHost,
    el('div', { class: 'pager' },
      cursor ? el('a', { class: 'button secondary', id: 'audit-newest', href: app.href('audit', filters),
        'data-route': 'audit', text: '← Newest' }) : el('span'),
      el('span', { class: 'muted small', text: `Page ${pageNumber}` }),
      page.nextCursor ? el('a', { class: 'button secondary', id: 'audit-older', 'data-route': 'audit',
        href: app.href('audit', { ...filters, cursor: page.nextCursor, page: pageNumber + 1 }), text: 'Older →' })
        : el('span')));
  if (selected) show(selected, false);
}
