// Signing in through the application's own sign-in endpoint; the token is kept for this tab only.
import { alert, clear, el, field } from './dom.js';

export default function signIn(main, app) {
  const context = app.context;
  const askOrganization = !context.tenant && Boolean(context.console.tenantHeader);
  const organization = askOrganization ? el('input', { type: 'text', name: 'organization', id: 'organization',
    autocomplete: 'organization', required: true, autocapitalize: 'none', spellcheck: 'false' }) : null;
  const user = el('input', { type: 'text', name: 'user', id: 'user', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false' });
  const password = el('input', { type: 'password', name: 'password', id: 'password',
    autocomplete: 'current-password', required: true });
  const message = el('div', { id: 'sign-in-message', 'aria-live': 'assertive' });
  const submit = el('button', { type: 'submit', text: 'Sign in' });
  const form = el('form', { class: 'stack panel', id: 'sign-in', novalidate: true },
    context.tenant ? el('p', null, 'Organization: ', el('strong', { text: context.tenant })) : null,
    organization ? field('Organization', organization, 'Its id, as in its address: acme, for instance.') : null,
    field('User', user), field('Password', password), message, el('div', null, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(message);
    const org = organization ? organization.value.trim() : null;
    if ((organization && !org) || !user.value.trim() || !password.value) {
      message.append(alert('bad', el('p', { text: 'Fill in every field.' })));
      return;
    }
    submit.disabled = true;
    try {
      const answer = await app.api.send('POST', context.console.signIn,
        { user: user.value.trim(), password: password.value }, org || undefined);
      if (!answer || typeof answer.token !== 'string') {
        throw new Error('the sign-in endpoint answered without a token');
      }
      app.api.session.signedIn(answer.token, org);
      await app.reload();
      const next = new URLSearchParams(window.location.search).get('next');
      const safe = next && next.startsWith(`${app.base}/`) && !next.startsWith('//') ? next : app.href('');
      await app.navigate(safe, { replace: true });
    } catch (error) {
      const text = error.status === 401 ? 'That user and password were not accepted.'
        : error.status === 404 ? 'There is no such organization.' : error.message;
      message.append(alert('bad', el('p', { text })));
      submit.disabled = false;
      password.value = '';
      password.focus();
    }
  });
  main.append(el('p', { class: 'muted', text: 'Sign in with your account of the application. '
    + 'You stay signed in in this browser tab only.' }), form);
  (organization || user).focus();
}
