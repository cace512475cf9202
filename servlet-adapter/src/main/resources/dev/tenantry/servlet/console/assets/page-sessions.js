// Sessions: the signed-in user's, with revoke; for administrators, any user's, and revoking all of them.
import { alert, clear, device, el, field, table, time } from './dom.js';

/** A button that asks once more, in place, before it acts. */
function confirmButton(label, question, confirmLabel, action, attributes = {}) {
  const host = el('span', { class: 'confirm' });
  const first = el('button', { type: 'button', class: 'danger secondary', text: label, ...attributes });
  first.addEventListener('click', () => {
    const yes = el('button', { type: 'button', class: 'danger', text: confirmLabel });
    const no = el('button', { type: 'button', class: 'secondary', text: 'Keep' });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      await action();
    });
    no.addEventListener('click', () => {
      clear(host).append(first);
      first.focus();
    });
    clear(host).append(el('span', { class: 'small', text: `${question} ` }), yes, ' ', no);
    yes.focus();
  });
  host.append(first);
  return host;
}

function sessionTable(caption, sessions, currentId, revoke, id) {
  const rows = sessions.map((s) => {
    const current = s.id === currentId;
    const button = current
      ? confirmButton('Sign out', 'This is the session you are using: sign it out?', 'Sign out', () => revoke(s),
        { 'aria-label': 'Sign out this session' })
      : el('button', { type: 'button', class: 'danger secondary', text: 'Revoke',
        'aria-label': `Revoke the session from ${device(s.userAgent)} last seen ${s.lastSeenAt}`,
        dataset: { revoke: s.id }, on: { click: () => revoke(s) } });
    return el('tr', { dataset: { sessionId: s.id } },
      el('td', null, el('span', { class: 'clip', title: s.userAgent || '', text: device(s.userAgent) }),
        current ? el('span', { class: 'badge info', text: 'this browser' }) : null),
      el('td', null, el('code', { text: s.ip || '—' })), el('td', null, time(s.createdAt)),
      el('td', null, time(s.lastSeenAt)), el('td', null, time(s.expiresAt)),
      el('td', null, button));
  });
  return sessions.length === 0 ? alert('info', el('p', { text: 'No active sessions.' }))
    : table(caption, ['Device', 'IP address', 'Signed in', 'Last seen', 'Expires', ''], rows,
      { id, scrollable: true });
}

export default async function sessionsPage(main, app) {
  const endpoint = app.context.endpoints.sessions;
  if (!endpoint) {
    main.append(alert('info', el('p', { text: 'Sessions are not available here.' })));
    return;
  }
  const message = el('div', { id: 'sessions-message', role: 'status', 'aria-live': 'polite' });
  const mine = el('section', { class: 'panel', id: 'my-sessions', 'aria-labelledby': 'my-sessions-title' });
  main.append(message, mine);
  const current = app.context.currentSessionId;

  async function revoke(s, after) {
    try {
      await app.api.send('DELETE', `${endpoint}/${encodeURIComponent(s.id)}`);
      if (s.id === current) {
        app.api.session.forget();
        await app.reload();
        return;
      }
      clear(message).append(alert('ok', el('p', { text: `Session revoked: ${device(s.userAgent)}, ${s.userId}.` })));
      await after();
    } catch (error) {
      clear(message).append(alert('bad', el('p', { text: `The session could not be revoked: ${error.message}` })));
    }
  }

  async function showMine() {
    const list = await app.api.get(endpoint);
    clear(mine).append(el('h2', { id: 'my-sessions-title', text: `Your sessions (${list.userId})` }),
      sessionTable('Your active sessions, newest first', list.sessions, current, (s) => revoke(s, showMine),
        'my-sessions-table'));
  }
  await showMine();

  if (!app.permits('MANAGE_SESSIONS')) return;
  const params = new URLSearchParams(window.location.search);
  const other = params.get('user') || '';
  const input = el('input', { type: 'text', name: 'user', id: 'sessions-user', value: other, autocomplete: 'off',
    spellcheck: 'false', required: true });
  const form = el('form', { class: 'actions', id: 'user-sessions-form', role: 'search' },
    field('User id', input), el('button', { type: 'submit', text: 'Show sessions' }));
  const theirs = el('div', { id: 'user-sessions' });
  main.append(el('section', { class: 'panel', 'aria-labelledby': 'user-sessions-title' },
    el('h2', { id: 'user-sessions-title', text: 'A user\'s sessions' }),
    el('p', { class: 'muted small', text: 'As an administrator you can see and revoke anyone\'s sessions in this '
      + 'organization, for instance after a lost laptop or a password change.' }), form, theirs));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    app.navigate(app.href('sessions', { user: input.value.trim() }));
  });

  async function showTheirs() {
    const list = await app.api.get(endpoint, { userId: other });
    const revokeAll = list.sessions.length === 0 ? null : confirmButton(`Revoke all of ${other}'s sessions`,
      `Sign ${other} out everywhere (${list.sessions.length} sessions)?`, 'Revoke all', async () => {
        try {
          const done = await app.api.send('DELETE', endpoint + `?userId=${encodeURIComponent(other)}`);
          clear(message).append(alert('ok', el('p', { text: `Revoked ${done.revoked} sessions of ${other}.` })));
          if (other === app.context.user) {
            app.api.session.forget();
            await app.reload();
            return;
          }
          await showTheirs();
        } catch (error) {
          clear(message).append(alert('bad', el('p', { text: error.message })));
        }
      }, { id: 'revoke-all' });
    clear(theirs).append(sessionTable(`Active sessions of ${other}, newest first`, list.sessions, current,
      (s) => revoke(s, showTheirs), 'user-sessions-table'), el('div', { class: 'actions' }, revokeAll));
  }
  if (other) {
    try {
      await showTheirs();
    } catch (error) {
      theirs.append(alert('bad', el('p', { text: error.message })));
    }
  }
}
