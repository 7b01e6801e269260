// "Remind me": a browser notification 30 minutes before a followed group opens (Web Push).
// Nothing happens before the teen clicks: only then is notification permission asked, the service
// worker (sw.js) registered and the browser's push subscription made and sent to the server. The
// push carries no data; the worker reads which groups to name from the Cache Storage entry kept here.
import { t, currentLang, errorText } from '../i18n.js';
import { h } from '../dom.js';

const CACHE = 'gruppechat-reminders';
const STATE = 'reminders/state.json'; // relative to the page, as the worker's scope resolves it

/** Why a reminder could not be switched on, as the text key the teen reads. */
const REFUSALS = {
  unsupported: 'reminder.unsupported',
  denied: 'reminder.denied',
  no_push_service: 'reminder.noPushService',
};

class Refused extends Error {
  constructor(code) { super(code); this.code = code; }
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function sameKey(subscription, publicKey) {
  const used = subscription.options && subscription.options.applicationServerKey;
  if (!used) return true; // the browser does not tell: keep it
  const a = new Uint8Array(used);
  const b = keyBytes(publicKey);
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function supported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && 'caches' in window;
}

async function readState() {
  try {
    const found = await (await caches.open(CACHE)).match(STATE);
    return found ? await found.json() : { groups: {} };
  } catch {
    return { groups: {} };
  }
}

async function writeState(state) {
  const cache = await caches.open(CACHE);
  await cache.put(STATE, new Response(JSON.stringify(state), { headers: { 'Content-Type': 'application/json' } }));
}

export function createReminders({ api, apiUrl }) {
  let info = null; // GET /me/reminders: {available, public_key, minutes_before, groups}
  const notes = new Map(); // group id -> {key, vars}: the last word shown under its button
  let render = () => {};

  /** What the server knows, then renew this browser's reminders (each visit counts as "still wanted"). */
  async function load(onChange) {
    render = onChange || render;
    try {
      info = await api.myReminders();
    } catch {
      info = null;
    }
    render();
    if (info && info.groups.length && supported()) renew().catch(() => { /* renewed next visit */ });
  }

  async function renew() {
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = registration && await registration.pushManager.getSubscription();
    if (!subscription || !sameKey(subscription, info.public_key)) return;
    const state = await readState();
    state.lang = currentLang();
    await writeState(state);
    for (const groupId of info.groups) {
      if (groupId in state.groups) await api.subscribeReminder(groupId, subscription.toJSON());
    }
  }

  async function subscription() {
    if (!supported()) throw new Refused('unsupported');
    if (!info || !info.available) throw Object.assign(new Error(), { code: 'reminders_unavailable' });
    // Asked only now, on the teen's click: never on page load.
    if (await Notification.requestPermission() !== 'granted') throw new Refused('denied');
    const registration = await navigator.serviceWorker.register('sw.js');
    await navigator.serviceWorker.ready;
    let current = await registration.pushManager.getSubscription();
    if (current && !sameKey(current, info.public_key)) { await current.unsubscribe(); current = null; }
    if (current) return current;
    try {
      return await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(info.public_key) });
    } catch {
      // Chromium without a push service (Debian's), a browser offline, a blocked push service.
      throw new Refused('no_push_service');
    }
  }

  async function turnOn(group) {
    const pushed = await subscription();
    await api.follow(group.id);
    await api.subscribeReminder(group.id, pushed.toJSON());
    const state = await readState();
    state.api = apiUrl;
    state.lang = currentLang();
    state.groups[group.id] = group.name;
    await writeState(state);
    info.groups = [...new Set([...info.groups, group.id])];
    return { key: 'reminder.on', vars: { minutes: info.minutes_before } };
  }

  async function turnOff(group) {
    await api.unsubscribeReminder(group.id);
    info.groups = info.groups.filter((id) => id !== group.id);
    const state = await readState();
    delete state.groups[group.id];
    await writeState(state);
    if (!Object.keys(state.groups).length && supported()) {
      const registration = await navigator.serviceWorker.getRegistration();
      const current = registration && await registration.pushManager.getSubscription();
      if (current) await current.unsubscribe();
    }
    return { key: 'reminder.off', vars: {} };
  }

  async function toggle(group, on) {
    notes.set(group.id, { busy: true });
    render();
    try {
      notes.set(group.id, await (on ? turnOn(group) : turnOff(group)));
    } catch (failure) {
      const key = failure instanceof Refused ? REFUSALS[failure.code] : null;
      notes.set(group.id, key ? { key, vars: {}, code: failure.code } : { text: errorText(failure.code, failure.message), code: failure.code });
    }
    render();
  }

  /** The button and its one line of status for a group card. */
  function control(group) {
    const on = Boolean(info && info.groups.includes(group.id));
    const note = notes.get(group.id) || {};
    const minutes = info ? info.minutes_before : 30;
    const status = note.busy ? '' : note.text || (note.key ? t(note.key, note.vars) : (on ? t('reminder.on', { minutes }) : ''));
    return h('div', { class: 'reminder', dataset: { group: group.id } },
      h('button', {
        type: 'button', class: 'btn btn--quiet reminder__toggle', disabled: Boolean(note.busy),
        'aria-pressed': on ? 'true' : 'false', title: t('reminder.hint', { minutes }),
        text: on ? t('reminder.stop') : t('reminder.ask'), onclick: () => toggle(group, !on),
      }),
      h('p', { class: 'reminder__status hint', role: 'status', 'aria-live': 'polite', dataset: { code: note.code || '' }, text: status }));
  }

  return { load, control };
}
