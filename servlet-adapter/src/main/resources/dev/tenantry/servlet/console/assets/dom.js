// Building the page. Everything shown goes in as text (textContent, attribute values): audit entries and other data
// carry strings that anyone could have chosen, so nothing is ever parsed as HTML.

/** An element: props are attributes, except class, text, on (event listeners) and dataset. */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'on') {
      for (const [event, listener] of Object.entries(value)) {
        node.addEventListener(event, listener);
      }
    } else if (key === 'dataset') {
      for (const [name, data] of Object.entries(value)) {
        node.dataset[name] = String(data);
      }
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

/** Appends children: nodes as they are, strings and numbers as text, nothing for null. */
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** A date and time in the reader's locale, in a time element carrying the exact instant. */
export function time(iso) {
  if (!iso) {
    return el('span', { class: 'muted', text: '—' });
  }
  const date = new Date(iso);
  return el('time', { datetime: iso, title: iso, text: date.toLocaleString(undefined,
    { dateStyle: 'medium', timeStyle: 'medium' }) });
}

/** A duration in seconds, as "2 d 3 h 4 min 5 s". */
export function duration(totalSeconds) {
  let s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [];
  if (d) parts.push(`${d} d`);
  if (d || h) parts.push(`${h} h`);
  if (d || h || m) parts.push(`${m} min`);
  parts.push(`${s} s`);
  return parts.join(' ');
}

/** A period in seconds, in words: "second", "minute", "hour", or "90 seconds". */
export function period(seconds) {
  const names = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' };
  if (names[seconds]) return names[seconds];
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** A user agent in words ("Chrome 150 on Linux"), or the agent itself when it is none of the usual browsers. */
export function device(userAgent) {
  if (!userAgent) return 'unknown device';
  const browsers = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['HeadlessChrome/', 'Headless Chrome'],
    ['Chrome/', 'Chrome'], ['Version/', 'Safari'], ['curl/', 'curl']];
  const systems = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'],
    ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux']];
  const browser = browsers.find(([token]) => userAgent.includes(token));
  if (!browser) return userAgent;
  const version = userAgent.slice(userAgent.indexOf(browser[0]) + browser[0].length).split(/[ .;)]/)[0];
  const system = systems.find(([token]) => userAgent.includes(token));
  return `${browser[1]}${version ? ` ${version}` : ''}${system ? ` on ${system[1]}` : ''}`;
}

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function number(n) {
  return Number(n).toLocaleString();
}

const TONES = {
  ACTIVE: 'ok', SUCCESS: 'ok', COMPLETED: 'ok', healthy: 'ok',
  SUSPENDED: 'warn', DENIED: 'warn', RUNNING: 'info', PENDING: 'info', degraded: 'warn',
  DELETION_SCHEDULED: 'bad', FAILURE: 'bad', FAILED: 'bad', unhealthy: 'bad', EXPIRED: ''
};

/** A status badge: its text is the status, its colour follows it. */
export function badge(status, label) {
  return el('span', { class: `badge ${TONES[status] || ''}`.trim(), dataset: { status }, text: label || status });
}

/** A message box; kind is info, ok, warn or bad. */
export function alert(kind, ...children) {
  return el('div', { class: `alert ${kind}`, role: kind === 'bad' ? 'alert' : null }, ...children);
}

/** A labelled form field around an input, select or group. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintNode = hint ? el('span', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), control, hintNode);
}

/** A table with a caption, column headings and rows of cells (each a node, text, or {cell, class}). */
export function table(caption, headings, rows, options = {}) {
  const labels = headings.map((h) => (typeof h === 'string' ? h : h.text));
  const head = el('tr', null, headings.map((h, i) => el('th', { scope: 'col', class: h.class, text: labels[i] })));
  const body = el('tbody');
  for (const row of rows) {
    // each cell names its column, for the one-card-a-row layout of narrow screens
    Array.from(row.children).forEach((cell, i) => {
      cell.dataset.label = labels[i] || '';
    });
    body.append(row);
  }
  return el('div', { class: 'table-wrap', tabindex: options.scrollable ? 0 : null,
    'aria-label': options.scrollable ? caption : null },
  el('table', { id: options.id }, el('caption', { text: caption }), el('thead', null, head), body));
}
