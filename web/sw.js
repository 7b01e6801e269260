// The reminders' service worker. Registered only when a teen clicks "Remind me" (js/teen/reminders.js).
// The push it receives carries no data: it reads which groups it reminds of (Cache Storage, written
// by the page), asks the public group list which of them opens soon, and words the notification in
// the teen's language from i18n/<lang>.json. It never sends anything about the teen anywhere.
const CACHE = 'gruppechat-reminders';
const STATE = 'reminders/state.json';
const LOCALES = { da: 'da-DK', en: 'en-GB' };
const SOON_MS = 45 * 60 * 1000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function readState() {
  try {
    const found = await (await caches.open(CACHE)).match(STATE);
    if (found) return await found.json();
  } catch { /* a fresh worker: no state yet */ }
  return { groups: {}, lang: 'da' };
}

async function strings(lang) {
  for (const code of [lang, 'da']) {
    try {
      const response = await fetch(`i18n/${code}.json`);
      if (response.ok) return await response.json();
    } catch { /* offline: try the next */ }
  }
  return {};
}

function nextStart(group) {
  if (group.next_session) return group.next_session.starts_at;
  const meeting = (group.next_meetings || [])[0];
  return meeting ? meeting.starts_at_utc : null;
}

/** The followed group that opens soonest within the next 45 minutes, or null. */
async function openingSoon(state) {
  if (!state.api) return null;
  try {
    const response = await fetch(`${state.api}/groups`, { cache: 'no-store' });
    const { groups = [] } = await response.json();
    const now = Date.now();
    let soonest = null;
    for (const group of groups) {
      const at = Date.parse(nextStart(group) || '');
      if (!(group.id in state.groups) || Number.isNaN(at) || at < now - 60_000 || at - now > SOON_MS) continue;
      if (!soonest || at < soonest.at) soonest = { group, at };
    }
    return soonest;
  } catch {
    return null;
  }
}

async function remind() {
  const state = await readState();
  const texts = await strings(state.lang || 'da');
  const say = (key, vars = {}) => (texts[key] || key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  const soon = await openingSoon(state);
  const options = { icon: 'favicon.svg', lang: state.lang || 'da', data: { url: './' } };
  if (!soon) {
    await self.registration.showNotification(say('reminder.soonSomeGroup'), { ...options, tag: 'reminder' });
    return;
  }
  const time = new Intl.DateTimeFormat(LOCALES[state.lang] || 'da-DK', { hour: '2-digit', minute: '2-digit' }).format(soon.at);
  // One notification per group: a repeated push replaces it instead of stacking a second.
  await self.registration.showNotification(say('reminder.soonTitle', { group: soon.group.name }),
    { ...options, body: say('reminder.soonBody', { time }), tag: `reminder-${soon.group.id}` });
}

self.addEventListener('push', (event) => event.waitUntil(remind()));

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (windows.length) return windows[0].focus();
    return self.clients.openWindow(event.notification.data && event.notification.data.url || './');
  })());
});
