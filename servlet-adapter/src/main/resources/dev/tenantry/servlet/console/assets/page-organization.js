// The organization: plan and status; scheduling its deletion (typed confirmation of its name), a countdown to the
// purge, and cancelling it.
import { alert, badge, clear, duration, el, field, time } from './dom.js';

export default async function organizationPage(main, app) {
  const endpoint = app.context.endpoints.organization;
  if (!endpoint || !app.permits('MANAGE_ORGANIZATION')) {
    main.append(alert('info', el('p', { text: 'The organization\'s settings are not available to you here.' })));
    return null;
  }
  const received = Date.now();
  const o = await app.api.get(endpoint);
  const skew = Date.parse(o.serverTime) - received;
  const message = el('div', { id: 'organization-message', role: 'status', 'aria-live': 'polite' });
  main.append(el('section', { class: 'panel', 'aria-label': 'Details' }, el('dl', { class: 'facts', id: 'organization-facts' },
    el('dt', { text: 'Name' }), el('dd', { id: 'organization-name', text: o.name }),
    el('dt', { text: 'Id' }), el('dd', null, el('code', { text: o.id })),
    el('dt', { text: 'Plan' }), el('dd', { id: 'organization-plan', text: o.plan }),
    el('dt', { text: 'Status' }), el('dd', { id: 'organization-status' }, badge(o.status)),
    el('dt', { text: 'Created' }), el('dd', null, time(o.createdAt)))), message);

  let timer = null;
  if (o.status === 'DELETION_SCHEDULED') {
    const due = Date.parse(o.deleteScheduledAt);
    const countdown = el('p', { class: 'countdown', id: 'purge-countdown', role: 'timer', 'aria-live': 'off' });
    const tick = () => {
      const left = (due - (Date.now() + skew)) / 1000;
      countdown.textContent = left > 0 ? `Purge in ${duration(left)}` : 'The purge is due: it runs on the next purge job';
    };
    tick();
    timer = setInterval(tick, 1000);
    const cancel = el('button', { type: 'button', id: 'cancel-deletion', text: 'Cancel the deletion' });
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        await app.api.send('DELETE', `${endpoint}/deletion`);
        await app.reload();
        app.notify(`The deletion of ${o.name} is cancelled; everything is as it was.`);
      } catch (error) {
        clear(message).append(alert('bad', el('p', { text: error.message })));
        cancel.disabled = false;
      }
    });
    main.append(el('section', { class: 'panel danger-zone', 'aria-labelledby': 'scheduled-title' },
      el('h2', { id: 'scheduled-title', text: 'Deletion scheduled' }),
      el('p', null, `${o.name} and all its data will be purged at `, time(o.deleteScheduledAt), '.'), countdown,
      el('p', { class: 'muted', text: 'Until then its data is kept and can be restored: cancelling brings '
        + 'everything back as it was. Meanwhile nobody can use the organization.' }),
      el('div', { class: 'actions' }, cancel)));
  } else {
    const days = el('input', { type: 'number', name: 'retentionDays', id: 'retention-days', min: 1, max: 3650,
      value: 30, required: true, inputmode: 'numeric' });
    const confirmInput = el('input', { type: 'text', name: 'confirm', id: 'confirm-name', autocomplete: 'off',
      spellcheck: 'false', required: true });
    const submit = el('button', { type: 'submit', class: 'danger', id: 'schedule-deletion', disabled: true,
      text: 'Schedule the deletion' });
    confirmInput.addEventListener('input', () => {
      submit.disabled = confirmInput.value !== o.name;
    });
    const form = el('form', { class: 'stack', id: 'deletion-form' },
      field('Keep the data for (days)', days, 'It can be restored until then; then it is purged for good.'),
      field(`Type the organization's name, ${o.name}, to confirm`, confirmInput), el('div', null, submit));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (confirmInput.value !== o.name) return;
      submit.disabled = true;
      try {
        await app.api.send('POST', `${endpoint}/deletion`, { retentionDays: Number(days.value),
          confirm: confirmInput.value });
        await app.reload();
        app.notify(`The deletion of ${o.name} is scheduled.`, 'warn');
      } catch (error) {
        clear(message).append(alert('bad', el('p', { text: error.message })));
        submit.disabled = false;
      }
    });
    main.append(el('section', { class: 'panel danger-zone', 'aria-labelledby': 'delete-title' },
      el('h2', { id: 'delete-title', text: 'Delete this organization' }),
      el('p', { text: 'Scheduling the deletion stops all use of the organization at once. Its data is kept for the '
        + 'retention period, during which an administrator can cancel; then it is purged from every collection.' }),
      form));
  }
  return () => {
    if (timer) clearInterval(timer);
  };
}
