// The teen view: welcome and rules, sign up / log in, the group list, the chat.
import { loadConfig } from './config.js';
import { initI18n, t, languageToggle, formatWhen, formatTime, errorText, currentLang } from './i18n.js';
import { Api, nextStart } from './api.js';
import { ChatConnection } from './socket.js';
import { ChatView, enterSends, sendErrorText } from './chatview.js';
import { h, $, clear, showView } from './dom.js';
import { savedAccount, storeAccount } from './account.js';

const ACCOUNT_KEY = 'gruppechat.teen';
const GROUP_KEY = 'gruppechat.teen.group';

const views = {
  welcome: $('#view-welcome'), signup: $('#view-signup'), recovery: $('#view-recovery'),
  login: $('#view-login'), groups: $('#view-groups'), chat: $('#view-chat'),
};

let config;
let api;
let account = null; // {token, pseudonym, expires_at}
let chat = null; // {connection, view}

// --- account ------------------------------------------------------------------------------------

function loadAccount() {
  return savedAccount(ACCOUNT_KEY);
}

function saveAccount(value) {
  account = value;
  storeAccount(ACCOUNT_KEY, value);
  renderWho();
}

function renderWho() {
  const who = $('#whoami');
  who.hidden = !account;
  who.textContent = account ? t('nav.signedInAs', { name: account.pseudonym }) : '';
  $('#log-out').hidden = !account;
}

function go(name) {
  showView(views, name);
  if (name === 'groups') loadGroups();
}

// --- sign up, recovery code, log in ---------------------------------------------------------------

async function onSignUp(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $('#signup-error');
  error.textContent = '';
  const pseudonym = $('#signup-pseudonym').value.trim();
  const password = $('#signup-password').value;
  if (pseudonym.length < 3) { error.textContent = t('error.invalid_pseudonym'); $('#signup-pseudonym').focus(); return; }
  if (password.length < 8) { error.textContent = t('error.weak_password'); $('#signup-password').focus(); return; }
  setBusy(form, true);
  try {
    const result = await api.signUp(pseudonym, password);
    saveAccount({ token: result.token, pseudonym: result.pseudonym, expires_at: result.expires_at });
    form.reset();
    $('#recovery-code').textContent = result.recovery_code;
    $('#recovery-done').checked = false;
    $('#recovery-continue').disabled = true;
    go('recovery');
  } catch (failure) {
    error.textContent = errorText(failure.code, failure.message);
  } finally {
    setBusy(form, false);
  }
}

async function onLogIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $('#login-error');
  error.textContent = '';
  setBusy(form, true);
  try {
    const result = await api.logIn($('#login-pseudonym').value.trim(), $('#login-password').value);
    saveAccount({ token: result.token, pseudonym: result.pseudonym, expires_at: result.expires_at });
    form.reset();
    go('groups');
  } catch (failure) {
    error.textContent = errorText(failure.code, failure.message);
  } finally {
    setBusy(form, false);
  }
}

function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll('button[type=submit]')) button.disabled = busy;
}

function logOut() {
  leaveChat({ quiet: true });
  saveAccount(null);
  sessionStorage.removeItem(GROUP_KEY);
  go('welcome');
}

// --- groups ---------------------------------------------------------------------------------------

let groupsCache = [];

async function loadGroups() {
  $('#groups-hello').textContent = account ? t('groups.hello', { name: account.pseudonym }) : '';
  $('#groups-error').textContent = '';
  try {
    groupsCache = (await api.groups()).groups || [];
    renderGroups();
  } catch (failure) {
    if (failure.status === 401) { logOut(); return; } // the token expired: log in again
    $('#groups-error').textContent = errorText(failure.code, failure.message);
  }
}

function renderGroups() {
  const list = clear($('#group-list'));
  // Open groups first: that is where someone is waiting right now.
  const groups = [...groupsCache].sort((a, b) => (b.open - a.open) || a.name.localeCompare(b.name));
  $('#groups-empty').hidden = groups.length > 0;
  for (const group of groups) {
    const next = nextStart(group);
    const when = group.open && group.session
      ? t('groups.openUntil', { time: formatTime(group.session.ends_at) })
      : next ? t('groups.next', { when: formatWhen(next) }) : t('groups.noNext');
    const titleId = `group-${group.id}-title`;
    list.append(h('li', { class: `group-card${group.open ? ' group-card--open' : ''}`, 'aria-labelledby': titleId },
      h('div', { class: 'group-card__head' },
        h('h2', { id: titleId, class: 'group-card__name', text: group.name }),
        group.open ? h('span', { class: 'badge badge--open', text: t('groups.openNow') }) : h('span', { class: 'badge', text: t('groups.closed') })),
      group.description ? h('p', { text: group.description }) : null,
      h('p', { class: 'group-card__when', text: when }),
      group.rules && group.rules.length ? h('details', {},
        h('summary', { text: t('groups.rules') }),
        h('ul', { class: 'rules' }, group.rules.map((rule) => h('li', { text: rule })))) : null,
      group.open ? h('button', {
        type: 'button', class: 'btn btn--primary', text: t('groups.join'),
        'aria-describedby': titleId, onclick: () => openChat(group.id),
      }) : null));
  }
}

// --- chat -----------------------------------------------------------------------------------------

function openChat(groupId) {
  leaveChat({ quiet: true });
  sessionStorage.setItem(GROUP_KEY, groupId);
  const group = groupsCache.find((g) => g.id === groupId);
  $('#chat-title').textContent = group ? group.name : '';
  clear($('#chat-notices'));
  clear($('#chat-rules'));
  $('#chat-ended').hidden = true;
  $('#composer').hidden = false;
  const connection = new ChatConnection({
    wsUrl: config.wsUrl,
    token: account.token,
    groupId,
    expiresAt: Date.parse(account.expires_at),
    storageKey: `gruppechat.outbox.${account.pseudonym}.${groupId}`,
    params: () => ({ lang: currentLang() }), // the server's own notices and help lines in our language
  });
  const view = new ChatView(connection, {
    list: $('#messages'), topic: $('#chat-topic'), pinned: $('#chat-pinned'), presentList: $('#present-list'),
    presentCount: $('#present-count'), status: $('#chat-status'), live: $('#live'), empty: $('#messages-empty'),
  }, { messageActions: (message, own) => (own || message.kind === 'announcement' ? [] : [reportButton(message)]) });
  chat = { connection, view, groupId };
  connection.addEventListener('joined', (event) => {
    const { group: joinedGroup } = event.detail;
    $('#chat-title').textContent = joinedGroup.name;
    $('#chat-rules').replaceChildren(...(joinedGroup.rules || []).map((rule) => h('li', { text: rule })));
    $('#chat-ended').hidden = true;
    $('#composer').hidden = false;
    const { muted_until: mutedUntil, slow_mode_s: slow } = event.detail;
    if (mutedUntil && Date.parse(mutedUntil) > Date.now()) notice('muted', t('notice.muted', { time: formatTime(mutedUntil) }));
    if (slow) notice('slow', t('notice.slowMode', { seconds: slow }));
  });
  connection.addEventListener('frame', (event) => onChatFrame(event.detail));
  connection.addEventListener('heldback', (event) => onHeldBack(event.detail));
  connection.addEventListener('ended', (event) => onEnded(event.detail));
  connection.addEventListener('left', () => { closeChat(); go('groups'); });
  showView(views, 'chat', { focus: false });
  $('#composer-text').focus();
  connection.start();
}

function reportButton(message) {
  return h('button', {
    type: 'button', class: 'btn btn--small btn--quiet', text: t('chat.report'),
    'aria-label': t('chat.reportFrom', { name: message.pseudonym }),
    onclick: (event) => openReport(message, event.currentTarget),
  });
}

function onChatFrame(frame) {
  switch (frame.type) {
    case 'session_closing':
      notice('closing', t('notice.closing', { time: formatTime(frame.ends_at) }), { persistent: true });
      break;
    case 'session_extended':
      $('#chat-notices').querySelector('[data-kind="closing"]')?.remove();
      notice('extended', t('notice.extended', { time: formatTime(frame.ends_at) }));
      break;
    case 'slow_mode':
      notice('slow', frame.seconds ? t('notice.slowMode', { seconds: frame.seconds }) : t('notice.slowModeOff'));
      break;
    case 'help_lines': helpLines(frame.lines || []); break;
    case 'muted': notice('muted', t('notice.muted', { time: formatTime(frame.until) })); break;
    case 'reported': notice('reported', t('notice.reported')); break;
    case 'error':
      if (!['muted', 'repeated', 'message_too_long', 'empty_message', 'session_closed', 'banned', 'kicked', 'not_connected', 'not_joined', 'session_full', 'group_not_found', 'forbidden'].includes(frame.code)) {
        notice('error', sendErrorText(frame));
      }
      break;
    default: break;
  }
}

function onHeldBack({ frame, text }) {
  const key = `heldBack.${frame.reason}`;
  const explained = t(key);
  notice('held-back', explained === key ? (frame.text || t('heldBack.generic')) : explained);
  // Hand the words back so nothing the teen wrote is lost; they can edit and send again.
  const box = $('#composer-text');
  if (text && !box.value) box.value = text;
}

function helpLines(lines) {
  const node = h('div', { class: 'notice notice--help', role: 'alert', dataset: { kind: 'help' } },
    h('h2', { class: 'notice__title', text: t('help.title') }),
    h('p', { text: t('help.intro') }),
    h('ul', { class: 'help-lines' }, lines.map((line) => h('li', {},
      h('strong', { text: line.name }), ' ',
      h('a', { href: `tel:${String(line.phone).replace(/[^\d+]/g, '')}`, text: line.phone }),
      line.text ? h('p', { class: 'hint', text: line.text }) : null))),
    dismissButton());
  replaceNotice('help', node);
}

function notice(kind, text, { persistent = false } = {}) {
  const node = h('div', { class: `notice notice--${kind}`, role: 'status', dataset: { kind } },
    h('p', { text }), persistent ? null : dismissButton());
  replaceNotice(kind, node);
}

function replaceNotice(kind, node) {
  const box = $('#chat-notices');
  const old = box.querySelector(`[data-kind="${kind}"]`);
  if (old) old.replaceWith(node);
  else box.append(node);
}

function dismissButton() {
  return h('button', {
    type: 'button', class: 'btn btn--small btn--quiet notice__close', text: t('nav.dismiss'),
    onclick: (event) => {
      event.currentTarget.closest('.notice').remove();
      $('#composer-text').focus();
    },
  });
}

function onEnded({ reason, frame }) {
  const vars = {};
  if (frame && frame.until) vars.until = formatWhen(frame.until);
  let key = `ended.${reason}`;
  if (reason === 'banned' && !(frame && frame.until)) key = 'ended.bannedForGood';
  const text = t(key, vars);
  $('#chat-ended-text').textContent = text === key ? t('ended.generic') : text;
  $('#chat-ended').hidden = false;
  // Coming back makes sense after a kick or a dropped session, not after a ban.
  $('#rejoin').hidden = reason === 'banned';
  $('#composer').hidden = true;
  $('#chat-notices').querySelector('[data-kind="closing"]')?.remove();
  ($('#rejoin').hidden ? $('#back-to-groups') : $('#rejoin')).focus();
}

function closeChat() {
  if (!chat) return;
  chat.view.destroy();
  chat.connection.stop();
  chat = null;
  sessionStorage.removeItem(GROUP_KEY);
}

function leaveChat({ quiet = false } = {}) {
  if (!chat) return;
  if (quiet) closeChat();
  else chat.connection.leave();
}

function onSend(event) {
  event.preventDefault();
  const box = $('#composer-text');
  const text = box.value.trim();
  if (!text || !chat) return;
  chat.connection.send(text);
  box.value = '';
  box.focus();
}

// --- reporting ------------------------------------------------------------------------------------

let reporting = null;

function openReport(message, opener) {
  reporting = { message, opener };
  $('#report-quote').textContent = `${message.pseudonym}: ${message.text}`;
  $('#report-form').reset();
  $('#report-dialog').showModal();
}

function onReport(event) {
  event.preventDefault();
  if (!reporting || !chat) return;
  const choice = new FormData(event.currentTarget).get('reason');
  const note = $('#report-note').value.trim();
  const reason = note ? `${choice}: ${note}` : choice;
  if (!chat.connection.report(reporting.message.id, reason)) notice('error', t('status.offline'));
  closeReport();
}

function closeReport() {
  $('#report-dialog').close();
}

// --- start ----------------------------------------------------------------------------------------

async function main() {
  try {
    [config] = await Promise.all([loadConfig(), initI18n()]);
  } catch {
    $('#app-error').hidden = false; // its text is in the page: the translations did not load
    return;
  }
  api = new Api(config.apiUrl, () => account && account.token);
  languageToggle($('#lang-toggle'));
  account = loadAccount();
  renderWho();

  $('#go-signup').addEventListener('click', () => go('signup'));
  $('#go-login').addEventListener('click', () => go('login'));
  for (const button of document.querySelectorAll('[data-go]')) button.addEventListener('click', () => go(button.dataset.go));
  $('#signup-form').addEventListener('submit', onSignUp);
  $('#login-form').addEventListener('submit', onLogIn);
  $('#recovery-done').addEventListener('change', (event) => { $('#recovery-continue').disabled = !event.target.checked; });
  $('#recovery-continue').addEventListener('click', () => { $('#recovery-code').textContent = ''; go('groups'); });
  $('#log-out').addEventListener('click', logOut);
  $('#groups-refresh').addEventListener('click', loadGroups);
  $('#leave').addEventListener('click', () => leaveChat());
  $('#rejoin').addEventListener('click', () => {
    if (!chat) return;
    $('#chat-ended').hidden = true;
    $('#composer').hidden = false;
    chat.connection.rejoin();
    $('#composer-text').focus();
  });
  $('#back-to-groups').addEventListener('click', () => { closeChat(); go('groups'); });
  $('#composer').addEventListener('submit', onSend);
  enterSends($('#composer-text'), $('#composer'));
  $('#report-form').addEventListener('submit', onReport);
  $('#report-cancel').addEventListener('click', closeReport);
  $('#report-dialog').addEventListener('close', () => { reporting?.opener?.focus(); reporting = null; });
  document.addEventListener('langchange', () => {
    renderWho();
    if (!views.groups.hidden) renderGroups();
  });

  if (!account) { go('welcome'); return; }
  const groupId = sessionStorage.getItem(GROUP_KEY);
  if (groupId) {
    // A reload inside the chat: go straight back in (and re-send anything unsent).
    try { groupsCache = (await api.groups()).groups || []; } catch { groupsCache = []; }
    openChat(groupId);
  } else {
    go('groups');
  }
}

main();
