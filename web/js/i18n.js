// Every visible text lives in web/i18n/<lang>.json. Danish is the default; the choice is remembered.
const STORAGE_KEY = 'gruppechat.lang';
export const LANGUAGES = ['da', 'en'];
const LOCALES = { da: 'da-DK', en: 'en-GB' };

let lang = 'da';
let strings = {};
const fallback = {};

function stored() {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}

async function fetchStrings(code) {
  const response = await fetch(`i18n/${code}.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`i18n/${code}.json: ${response.status}`);
  return response.json();
}

export async function initI18n() {
  const wanted = stored();
  lang = LANGUAGES.includes(wanted) ? wanted : 'da';
  Object.assign(fallback, await fetchStrings('da'));
  strings = lang === 'da' ? fallback : await fetchStrings(lang);
  applyI18n(document);
}

export function currentLang() { return lang; }
export function locale() { return LOCALES[lang]; }

export async function setLang(code) {
  if (!LANGUAGES.includes(code) || code === lang) return;
  strings = code === 'da' ? fallback : await fetchStrings(code);
  lang = code;
  try { localStorage.setItem(STORAGE_KEY, code); } catch { /* private mode: not remembered */ }
  applyI18n(document);
  document.dispatchEvent(new CustomEvent('langchange', { detail: { lang } }));
}

/** The text for ``key`` with ``{name}`` placeholders filled in; the key itself when missing. */
export function t(key, vars = {}) {
  const template = strings[key] ?? fallback[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

export function has(key) { return key in strings || key in fallback; }

/** The text for ``key``, or ``fallback`` where neither language has one (e.g. a code newer than this page). */
export function translatedOr(key, fallback, vars = {}) {
  return has(key) ? t(key, vars) : String(fallback ?? '');
}

/**
 * Fill static markup: ``data-i18n="key"`` sets the text, ``data-i18n-attr="placeholder:key aria-label:key"``
 * sets attributes.
 */
export function applyI18n(root) {
  document.documentElement.lang = lang;
  // ``data-i18n-vars`` (JSON) fills placeholders, e.g. a limit the server publishes.
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n, vars(node));
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(/\s+/).filter(Boolean)) {
      const [attr, key] = pair.split(':');
      node.setAttribute(attr, t(key));
    }
  }
  if (root === document && has('page.title')) {
    const titleKey = document.body.dataset.titleKey || 'page.title';
    document.title = t(titleKey);
  }
}

function vars(node) {
  try { return JSON.parse(node.dataset.i18nVars || '{}'); } catch { return {}; }
}

/** Wire a button that toggles between the two languages; its label names the other language. */
export function languageToggle(button) {
  const render = () => {
    const other = lang === 'da' ? 'en' : 'da';
    button.textContent = t(`lang.switchTo.${other}`);
    button.setAttribute('lang', other);
    button.dataset.lang = other;
  };
  button.addEventListener('click', () => setLang(button.dataset.lang));
  document.addEventListener('langchange', render);
  render();
}

export function formatTime(iso) {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** A date and time in the viewer's own time zone, e.g. "torsdag 27. november kl. 19.00". */
export function formatWhen(iso) {
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit',
  }).format(new Date(iso));
}

export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** How long to wait, in words: seconds under two minutes, minutes above. */
export function waitText(seconds) {
  const value = Number(seconds);
  if (!(value > 0)) return t('wait.moment');
  return value < 120 ? t('wait.seconds', { n: Math.ceil(value) }) : t('wait.minutes', { n: Math.ceil(value / 60) });
}

/**
 * A server refusal in the viewer's language, or the server's own (Danish) text for an unknown code.
 * ``vars`` are the error's parameters; a ``retry_after`` becomes ``{wait}`` in words.
 */
export function errorText(code, serverMessage, vars = {}) {
  const key = `error.${code}`;
  if (has(key)) return t(key, { wait: waitText(vars.retry_after), ...vars });
  return serverMessage || t('error.generic');
}
