// The dashboard: the organization, its rate limits, health, recent audit activity and exports at a glance.
import { alert, badge, el, number, period, time } from './dom.js';

function card(title, href, route, ...content) {
  const heading = href ? el('h2', null, el('a', { href, 'data-route': route, text: title })) : el('h2', { text: title });
  return el('section', { class: 'card', 'aria-label': title }, heading, ...content);
}

function failed(error) {
  return alert('bad', el('p', { text: `Not available: ${error.message}` }));
}

function organizationCard(app) {
  const o = app.context.organization;
  if (!o) {
    return card('Organization', null, null, el('p', { class: 'muted', text: app.context.tenant }));
  }
  return card('Organization', app.href('organization'), 'organization', el('dl', { class: 'facts' },
    el('dt', { text: 'Name' }), el('dd', { text: o.name }),
    el('dt', { text: 'Id' }), el('dd', null, el('code', { text: o.id })),
    el('dt', { text: 'Plan' }), el('dd', { text: o.plan }),
    el('dt', { text: 'Status' }), el('dd', null, badge(o.status)),
    o.deleteScheduledAt ? el('dt', { text: 'Deletion due' }) : null,
    o.deleteScheduledAt ? el('dd', null, time(o.deleteScheduledAt)) : null));
}

function rateLimitCard(state) {
  const items = state.bandwidths.map((b) => {
    const used = b.binding ? b.capacity - state.remaining : null;
    const label = `${b.name}: ${number(b.capacity)} requests per ${period(b.periodSeconds)}`;
    const meter = el('meter', { min: 0, max: b.capacity, value: b.binding ? used : 0, low: b.capacity * 0.7,
      high: b.capacity * 0.9, optimum: 0, 'aria-label': `${b.name} used` });
    const words = b.binding
      ? `${number(used)} used, ${number(state.remaining)} left; full again in ${state.resetSeconds} s`
      : `at least ${number(state.remaining)} left (the tightest limit is ${state.binding})`;
    return el('li', { dataset: { bandwidth: b.name } }, el('strong', { text: label }), b.binding ? meter : null,
      el('div', { class: 'small muted', text: words }));
  });
  return card('Rate limits', null, null,
    el('p', { class: 'small muted' }, `Plan ${state.policy}; `, state.key.value
      ? [`counted per ${state.key.kind}: `, el('code', { text: state.key.value })]
      : 'counted for the whole organization.'),
    el('ul', { class: 'limits' }, items));
}

function healthCard(report) {
  const checks = Object.entries(report.checks || {}).map(([name, check]) => el('li', null, badge(check.status),
    el('strong', { text: name }), el('span', { class: 'small muted', text: `${check.durationMillis} ms` }),
    check.message ? el('span', { class: 'small', text: check.message }) : null));
  return card('Health', null, null, el('p', null, 'Overall: ', badge(report.status), ' ',
    el('span', { class: 'small muted' }, 'checked ', time(report.checkedAt))),
  checks.length ? el('ul', { class: 'checks' }, checks)
    : el('p', { class: 'small muted', text: 'Per-check detail is not shown to you.' }));
}

function auditCard(app, counts, since) {
  const rows = Object.entries(counts.byAction).sort((a, b) => b[1] - a[1]).map(([action, count]) =>
    el('li', { dataset: { action } }, el('a', { href: app.href('audit', { action, from: since }), 'data-route': 'audit',
      text: action }), el('span', { class: 'num', text: number(count) })));
  const outcomes = Object.entries(counts.byOutcome).map(([outcome, count]) => el('span', null, badge(outcome),
    ` ${number(count)} `));
  return card('Audit activity, last 24 hours', app.href('audit', { from: since }), 'audit',
    el('p', null, el('strong', { text: number(counts.total) }), counts.complete ? ' entries' : '+ entries', ' ',
      ...outcomes),
    rows.length ? el('ul', { class: 'counts' }, rows) : el('p', { class: 'muted', text: 'Nothing recorded.' }));
}

function exportsCard(app, history) {
  const active = history.exports.filter((e) => e.status === 'PENDING' || e.status === 'RUNNING');
  const rows = history.exports.map((e) => el('li', null, el('span', null, badge(e.status), ' ',
    `${e.format.toUpperCase()}, ${e.scope === 'tenant' ? 'whole organization' : `data of ${e.requestedBy}`}`),
  el('span', { class: 'small muted' }, time(e.requestedAt))));
  return card('Data exports', app.href('exports'), 'exports',
    el('p', null, el('strong', { text: number(active.length) }), ' pending or running'),
    rows.length ? el('ul', { class: 'counts' }, rows) : el('p', { class: 'muted', text: 'No exports yet.' }));
}

export default async function dashboard(main, app) {
  const endpoints = app.context.endpoints;
  const grid = el('div', { class: 'cards' }, organizationCard(app));
  main.append(grid);
  const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const wanted = [
    ['rate', endpoints.rateLimit ? () => app.api.get(endpoints.rateLimit) : null],
    ['health', endpoints.health ? () => app.api.get(endpoints.health).catch((error) => {
      // unhealthy answers 503 with the report itself
      if (error.status === 503 && error.problem && typeof error.problem.status === 'string') return error.problem;
      throw error;
    }) : null],
    ['audit', endpoints.audit && app.permits('READ_AUDIT_LOG')
      ? () => app.api.get(`${endpoints.audit}/counts`, { from: since }) : null],
    ['exports', endpoints.exports ? () => app.api.get(endpoints.exports, { limit: 5 }) : null]
  ].filter(([, load]) => load);
  const results = await Promise.allSettled(wanted.map(([, load]) => load()));
  wanted.forEach(([name], i) => {
    const result = results[i];
    if (result.status === 'rejected') {
      const titles = { rate: 'Rate limits', health: 'Health', audit: 'Audit activity', exports: 'Data exports' };
      grid.append(card(titles[name], null, null, failed(result.reason)));
      return;
    }
    const value = result.value;
    if (name === 'rate') grid.append(rateLimitCard(value));
    if (name === 'health') grid.append(healthCard(value));
    if (name === 'audit') grid.append(auditCard(app, value, since));
    if (name === 'exports') grid.append(exportsCard(app, value));
  });
}
