// The mentor view: log in, live sessions, the chat with moderation, reports, audit log, admin.
import { loadConfig } from './config.js';
import { initI18n, t, languageToggle, formatTime, formatWhen, formatDateTime, errorText, currentLang } from './i18n.js';
import { Api, nextStart } from './api.js';
import { ChatConnection } from './socket.js';
import { ChatView, enterSends, isStaff, badge } from './chatview.js';
import { h, $, $$, clear, showView, announcer } from './dom.js';
import { savedAccount, storeAccount } from './account.js';

const ACCOUNT_KEY = 'gruppechat.mentor';

let config;
let api;
let account = null; // {token, expires_at, mentor: {id, name, role, org_id}}
let chat = null; // {connection, view, session, group}
let reports = new Map(); // report id -> report
let announce = () => {};
let currentTab = 'sessions';

const views = { login: $('#view-login'), app: $('#view-app') };
const panels = {
  sessions: $('#panel-sessions'), chat: $('#panel-chat'), reports: $('#panel-reports'), audit: $('#panel-audit'),
  groups: $('#panel-groups'), mentors: $('#panel-mentors'), figures: $('#panel-figures'),
};

const isAdmin = () => account && account.mentor && account.mentor.role === 'admin';

// --- account -------------------------------------------------------------------------------------

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
  who.textContent = account ? t('mentor.signedInAs', { name: account.mentor.name, role: t(`mentor.role.${account.mentor.role}`) }) : '';
  $('#log-out').hidden = !account;
  for (const tab of $$('.admin-only')) tab.hidden = !isAdmin();
}

async function onLogIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $('#login-error');
  error.textContent = '';
  form.querySelector('[type=submit]').disabled = true;
  try {
    const result = await api.mentorLogIn($('#login-username').value.trim(), $('#login-password').value);
    saveAccount(result);
    form.reset();
    enterApp();
  } catch (failure) {
    error.textContent = failure.notAvailable ? t('mentor.login.notAvailable') : errorText(failure.code, failure.message);
  } finally {
    form.querySelector('[type=submit]').disabled = false;
  }
}

function logOut() {
  closeChat();
  saveAccount(null);
  reports = new Map();
  showView(views, 'login');
}

/** A refused call: an expired token sends the mentor back to the log-in. */
function failed(target, failure) {
  if (failure.status === 401) { logOut(); return; }
  target.textContent = errorText(failure.code, failure.message);
}

// --- tabs -----------------------------------------------------------------------------------------

function enterApp() {
  showView(views, 'app', { focus: false });
  openTab('sessions');
  loadReports();
}

function openTab(name) {
  currentTab = name;
  const panelName = name === 'sessions' && chat ? 'chat' : name;
  for (const [key, panel] of Object.entries(panels)) panel.hidden = key !== panelName;
  for (const tab of $$('.tab')) {
    if (tab.dataset.tab === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  const loaders = { sessions: loadSessions, reports: loadReports, audit: loadAudit, groups: loadAdminGroups, mentors: loadMentors, figures: loadFigures };
  if (panelName !== 'chat') loaders[name]?.();
}

// --- sessions and groups ---------------------------------------------------------------------------

let mentorGroups = [];

async function loadSessions() {
  const error = $('#sessions-error');
  error.textContent = '';
  let sessions = [];
  try {
    [{ sessions = [] }, { groups: mentorGroups = [] }] = await Promise.all([api.sessions(), api.mentorGroups()]);
  } catch (failure) {
    failed(error, failure);
  }
  const list = clear($('#session-list'));
  $('#sessions-empty').hidden = sessions.length > 0;
  for (const { session, group } of sessions) {
    list.append(h('li', { class: 'group-card group-card--open' },
      h('div', { class: 'group-card__head' },
        h('h2', { class: 'group-card__name', text: group.name }),
        h('span', { class: 'badge badge--open', text: t('groups.openNow') })),
      session.topic ? h('p', {}, h('span', { class: 'label', text: t('chat.topic') }), ' ', h('span', { text: session.topic })) : null,
      h('p', { class: 'group-card__when', text: t('groups.openUntil', { time: formatTime(session.ends_at) }) }),
      h('button', {
        type: 'button', class: 'btn btn--primary', text: t('mentor.sessions.open'), dataset: { group: group.id },
        onclick: () => openChat(session, group),
      })));
  }
  const groups = clear($('#mentor-group-list'));
  for (const group of mentorGroups) {
    const dateId = `cancel-${group.id}`;
    groups.append(h('li', { class: `group-card${group.open ? ' group-card--open' : ''}` },
      h('div', { class: 'group-card__head' },
        h('h3', { class: 'group-card__name', text: group.name }),
        group.open ? h('span', { class: 'badge badge--open', text: t('groups.openNow') }) : null),
      h('p', { class: 'group-card__when', text: nextStart(group) ? t('groups.next', { when: formatWhen(nextStart(group)) }) : t('groups.noNext') }),
      h('div', { class: 'actions' },
        group.open ? null : h('button', { type: 'button', class: 'btn btn--small', text: t('mentor.groups.openNow'), onclick: () => act(error, () => api.openGroup(group.id), loadSessions) }),
        h('label', { for: dateId, class: 'inline-label', text: t('mentor.groups.cancelDate') }),
        h('input', { id: dateId, type: 'date' }),
        h('button', {
          type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.groups.cancel'),
          onclick: () => { const date = $(`#${CSS.escape(dateId)}`).value; if (date) act(error, () => api.cancelDate(group.id, date), loadSessions); },
        }))));
  }
}

async function act(errorTarget, call, after) {
  errorTarget.textContent = '';
  try {
    await call();
    if (after) await after();
    return true;
  } catch (failure) {
    failed(errorTarget, failure);
    return false;
  }
}

// --- the chat with moderation --------------------------------------------------------------------

function openChat(session, group) {
  closeChat();
  chat = { session, group };
  $('#chat-title').textContent = group.name;
  $('#chat-ends').textContent = t('groups.openUntil', { time: formatTime(session.ends_at) });
  $('#topic-text').value = session.topic || '';
  clear($('#chat-notices'));
  $('#chat-ended').hidden = true;
  $('#composer').hidden = false;
  const connection = new ChatConnection({
    wsUrl: config.wsUrl, token: account.token, groupId: group.id, expiresAt: Date.parse(account.expires_at),
    storageKey: `gruppechat.outbox.mentor.${account.mentor.id}.${group.id}`,
    params: () => ({ lang: currentLang() }),
  });
  const view = new ChatView(connection, {
    list: $('#messages'), topic: $('#chat-topic'), pinned: $('#chat-pinned'), presentList: null,
    status: $('#chat-status'), live: $('#live'), empty: $('#messages-empty'),
  }, { messageActions });
  chat.connection = connection;
  chat.view = view;
  connection.addEventListener('joined', (event) => {
    chat.session = event.detail.session;
    $('#topic-text').value = chat.session.topic || '';
    $('#slow-mode').value = String(event.detail.slow_mode_s || 0);
    renderSide();
  });
  connection.addEventListener('frame', (event) => onChatFrame(event.detail));
  connection.addEventListener('ended', (event) => {
    const { reason } = event.detail;
    const key = `ended.${reason}`;
    const text = t(key);
    $('#chat-ended-text').textContent = text === key ? t('ended.generic') : text;
    $('#chat-ended').hidden = false;
    $('#composer').hidden = true;
  });
  openTab('sessions');
  $('#chat-title').tabIndex = -1;
  $('#chat-title').focus();
  connection.start();
}

function closeChat() {
  if (!chat) return;
  chat.view?.destroy();
  chat.connection?.stop();
  chat = null;
}

function onChatFrame(frame) {
  switch (frame.type) {
    case 'presence': case 'topic': case 'pinned': case 'message_removed': renderSide(); break;
    case 'report': addReport(frame.report, { live: true }); break;
    case 'session_closing': chatNotice('closing', t('notice.closing', { time: formatTime(frame.ends_at) })); break;
    case 'session_extended':
      $('#chat-notices').querySelector('[data-kind="closing"]')?.remove();
      $('#chat-ends').textContent = t('groups.openUntil', { time: formatTime(frame.ends_at) });
      break;
    case 'slow_mode': $('#slow-mode').value = String(frame.seconds || 0); break;
    case 'error': chatNotice('error', errorText(frame.code, frame.message)); break;
    default: break;
  }
  if (frame.type === 'topic') $('#topic-text').value = frame.topic || '';
}

function chatNotice(kind, text, role = 'status') {
  const box = $('#chat-notices');
  box.querySelector(`[data-kind="${kind}"]`)?.remove();
  box.append(h('div', { class: `notice notice--${kind}`, role, dataset: { kind } }, h('p', { text }),
    h('button', { type: 'button', class: 'btn btn--small btn--quiet notice__close', text: t('nav.dismiss'), onclick: (event) => event.currentTarget.closest('.notice').remove() })));
}

/** Moderation right at each message: remove and pin; mute, kick and ban its author. */
function messageActions(message) {
  const actions = [
    h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.mod.remove'), dataset: { action: 'remove' }, 'aria-label': t('mentor.mod.removeFrom', { name: message.pseudonym }), onclick: (event) => moderate('remove', { message }, event.currentTarget) }),
    h('button', { type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.mod.pin'), dataset: { action: 'pin' }, onclick: () => act($('#side-error'), () => api.pin(chat.session.id, message.id)) }),
  ];
  if (!isStaff(message.role)) actions.push(...personActions(message.pseudonym));
  return actions;
}

function personActions(pseudonym) {
  return ['mute', 'kick', 'ban'].map((action) => h('button', {
    type: 'button', class: 'btn btn--small btn--quiet', text: t(`mentor.mod.${action}`), dataset: { action },
    'aria-label': t(`mentor.mod.${action}Who`, { name: pseudonym }),
    onclick: (event) => moderate(action, { pseudonym }, event.currentTarget),
  }));
}

function renderSide() {
  if (!chat || !chat.connection) return;
  const members = Array.from(chat.connection.present.values()).sort((a, b) => (isStaff(b.role) - isStaff(a.role)) || a.pseudonym.localeCompare(b.pseudonym));
  $('#present-count').textContent = t('chat.presentCount', { count: members.length });
  $('#present-list').replaceChildren(...members.map((member) => h('li', {},
    h('span', { class: 'present__name', text: member.pseudonym }), ' ', badge(member.role),
    isStaff(member.role) ? null : h('span', { class: 'present__actions' }, personActions(member.pseudonym)))));
  const pinned = chat.connection.session && chat.connection.session.pinned;
  $('#unpin').hidden = !pinned;
}

let pendingAction = null;

function moderate(action, target, opener) {
  pendingAction = { action, ...target, opener };
  $('#mod-title').textContent = t(`mentor.mod.${action}Title`, { name: target.pseudonym || (target.message && target.message.pseudonym) || '' });
  const quote = $('#mod-quote');
  quote.hidden = !target.message;
  quote.textContent = target.message ? `${target.message.pseudonym}: ${target.message.text}` : '';
  $('#mod-minutes-row').hidden = action !== 'mute';
  $('#mod-days-row').hidden = action !== 'ban';
  $('#mod-reason-row').hidden = action === 'close';
  $('#mod-submit').textContent = t(`mentor.mod.${action}Confirm`);
  $('#mod-error').textContent = '';
  $('#mod-reason').value = '';
  $('#mod-forever').checked = false;
  $('#mod-dialog').showModal();
  (action === 'close' ? $('#mod-submit') : $('#mod-reason')).focus();
}

async function onModerate(event) {
  event.preventDefault();
  if (!pendingAction || !chat) return;
  const { action, message, pseudonym } = pendingAction;
  const reason = $('#mod-reason').value.trim();
  const sid = chat.session.id;
  const gid = chat.group.id;
  const calls = {
    remove: () => api.removeMessage(sid, message.id, reason),
    mute: () => api.mute(sid, pseudonym, Number($('#mod-minutes').value) || 10, reason),
    kick: () => api.kick(sid, pseudonym, reason),
    ban: () => api.ban(gid, pseudonym, $('#mod-forever').checked ? null : (Number($('#mod-days').value) || 7), reason),
    close: () => api.closeSession(sid),
  };
  const ok = await act($('#mod-error'), calls[action]);
  if (ok) {
    $('#mod-dialog').close();
    announce(t(`mentor.mod.${action}Done`, { name: pseudonym || (message && message.pseudonym) || '' }));
  }
}

// --- reports ---------------------------------------------------------------------------------------

function addReport(report, { live = false } = {}) {
  if (!report || !report.id) return;
  const isNew = !reports.has(report.id);
  reports.set(report.id, report);
  renderReports();
  if (live && isNew) {
    const text = t(report.kind === 'crisis' ? 'mentor.reports.newCrisis' : 'mentor.reports.new', { name: report.pseudonym || '' });
    announce(text);
    if (report.priority === 'high' || report.kind === 'crisis') chatNotice('crisis', text, 'alert');
  }
}

async function loadReports() {
  const error = $('#reports-error');
  error.textContent = '';
  try {
    const { reports: open = [] } = await api.reports('open');
    reports = new Map(open.map((report) => [report.id, report]));
  } catch (failure) {
    if (failure.status === 401) { logOut(); return; }
    if (!failure.notAvailable) error.textContent = errorText(failure.code, failure.message);
  }
  renderReports();
}

function renderReports() {
  // Crisis flags and high priority first; within each, the oldest waits longest and comes first.
  const open = Array.from(reports.values()).filter((r) => (r.status || 'open') === 'open').sort((a, b) =>
    (rank(a) - rank(b)) || String(a.created_at).localeCompare(String(b.created_at)));
  const count = $('#reports-count');
  count.hidden = open.length === 0;
  count.textContent = String(open.length);
  count.setAttribute('aria-label', t('mentor.reports.count', { count: open.length }));
  $('#reports-empty').hidden = open.length > 0;
  $('#report-list').replaceChildren(...open.map((report) => {
    const noteId = `note-${report.id}`;
    return h('li', { class: `report report--${report.kind}${report.priority === 'high' ? ' report--high' : ''}`, dataset: { id: report.id } },
      h('div', { class: 'report__head' },
        h('span', { class: `badge badge--${report.kind}`, text: t(`mentor.reports.kind.${report.kind}`) }),
        report.priority === 'high' ? h('span', { class: 'badge badge--high', text: t('mentor.reports.high') }) : null,
        h('span', { class: 'report__who', text: report.pseudonym || '' }),
        report.created_at ? h('time', { datetime: report.created_at, text: formatDateTime(report.created_at) }) : null),
      report.text ? h('blockquote', { class: 'quote', text: report.text }) : null,
      report.reason ? h('p', {}, h('span', { class: 'label', text: t('mentor.reports.reason') }), ' ', h('span', { text: report.reason })) : null,
      h('form', { class: 'form form--inline', novalidate: true, onsubmit: (event) => resolveReport(event, report) },
        h('label', { for: noteId, text: t('mentor.reports.note') }),
        h('input', { id: noteId, maxlength: 300 }),
        h('button', { type: 'submit', class: 'btn btn--small', text: t('mentor.reports.resolve') })));
  }));
}

function rank(report) {
  if (report.kind === 'crisis') return 0;
  if (report.priority === 'high') return 1;
  return 2;
}

async function resolveReport(event, report) {
  event.preventDefault();
  const note = event.currentTarget.querySelector('input').value.trim();
  const ok = await act($('#reports-error'), () => api.resolveReport(report.id, note));
  if (ok) {
    reports.delete(report.id);
    renderReports();
    announce(t('mentor.reports.resolved'));
  }
}

// --- audit log -------------------------------------------------------------------------------------

async function loadAudit() {
  const error = $('#audit-error');
  error.textContent = '';
  try {
    const { entries = [] } = await api.audit();
    $('#audit-rows').replaceChildren(...entries.map((entry) => h('tr', {},
      h('td', {}, entry.at ? h('time', { datetime: entry.at, text: formatDateTime(entry.at) }) : null),
      h('td', { text: entry.mentor || '' }),
      h('td', { text: translatedOr(`mentor.audit.actions.${entry.action}`, entry.action) }),
      h('td', { text: entry.target || '' }),
      h('td', { text: entry.reason || '' }))));
  } catch (failure) {
    failed(error, failure);
  }
}

function translatedOr(key, fallback) {
  const text = t(key);
  return text === key ? String(fallback ?? '') : text;
}

// --- admin: groups, mentors, figures ------------------------------------------------------------------

let adminGroups = [];

async function loadAdminGroups() {
  const error = $('#groups-error');
  error.textContent = '';
  try {
    ({ groups: adminGroups = [] } = await api.adminGroups());
  } catch (failure) {
    failed(error, failure);
  }
  $('#admin-group-rows').replaceChildren(...adminGroups.map((group) => h('tr', {},
    h('th', { scope: 'row', text: group.name }),
    h('td', { text: scheduleText(group) }),
    h('td', { text: flat(group).capacity ?? '' }),
    h('td', {}, h('button', { type: 'button', class: 'btn btn--small', text: t('mentor.admin.edit'), 'aria-label': t('mentor.admin.editGroup', { name: group.name }), onclick: () => editGroup(group) })))));
}

/** Admin group views carry the schedule in ``schedule``; older shapes had it at the top level. */
function flat(group) {
  return { ...group, ...(group.schedule || {}) };
}

function scheduleText(raw) {
  const group = flat(raw);
  if (group.weekday === undefined || group.weekday === null) return '';
  return t('mentor.admin.scheduleText', {
    weekday: t(`weekday.${group.weekday}`), time: group.start_time || '', minutes: group.duration_minutes || '', tz: group.tz || '',
  });
}

function fillWeekdays() {
  const select = $('#group-weekday');
  const current = select.value;
  select.replaceChildren(...[0, 1, 2, 3, 4, 5, 6].map((day) => h('option', { value: day, text: t(`weekday.${day}`) })));
  if (current) select.value = current;
}

function editGroup(raw) {
  const group = flat(raw);
  $('#group-form-title').textContent = t('mentor.admin.editGroup', { name: group.name });
  $('#group-id').value = group.id;
  $('#group-name').value = group.name || '';
  $('#group-description').value = group.description || '';
  $('#group-rules').value = (group.rules || []).join('\n');
  $('#group-weekday').value = String(group.weekday ?? 3);
  $('#group-start').value = group.start_time || '19:00';
  $('#group-duration').value = group.duration_minutes || 90;
  $('#group-tz').value = group.tz || 'Europe/Copenhagen';
  $('#group-capacity').value = group.capacity || 15;
  $('#group-meetings').value = group.meetings || '';
  $('#group-first-date').value = group.first_date || '';
  $('#group-name').focus();
}

function resetGroupForm() {
  $('#group-form').reset();
  $('#group-id').value = '';
  $('#group-form-title').textContent = t('mentor.admin.newGroup');
}

async function onSaveGroup(event) {
  event.preventDefault();
  const gid = $('#group-id').value;
  const number = (id) => ($(id).value === '' ? null : Number($(id).value));
  const body = {
    name: $('#group-name').value.trim(),
    description: $('#group-description').value.trim(),
    rules: $('#group-rules').value.split('\n').map((line) => line.trim()).filter(Boolean),
    weekday: Number($('#group-weekday').value),
    start_time: $('#group-start').value,
    duration_minutes: number('#group-duration'),
    tz: $('#group-tz').value.trim() || 'Europe/Copenhagen',
    capacity: number('#group-capacity'),
    meetings: number('#group-meetings'),
    first_date: $('#group-first-date').value || null,
  };
  const ok = await act($('#group-form-error'), () => (gid ? api.updateGroup(gid, body) : api.createGroup(body)), loadAdminGroups);
  if (ok) { resetGroupForm(); announce(t('mentor.admin.saved')); }
}

async function loadMentors() {
  const error = $('#mentors-error');
  error.textContent = '';
  let mentors = [];
  try {
    ({ mentors = [] } = await api.mentors());
  } catch (failure) {
    failed(error, failure);
  }
  $('#mentor-rows').replaceChildren(...mentors.map((mentor) => {
    const active = mentor.active !== false;
    return h('tr', {},
      h('th', { scope: 'row', text: mentor.username || '' }),
      h('td', { text: mentor.display_name || mentor.name || '' }),
      h('td', { text: t(`mentor.role.${mentor.role}`) }),
      h('td', { text: t(active ? 'mentor.admin.active' : 'mentor.admin.inactive') }),
      h('td', {}, active && mentor.id !== account.mentor.id ? h('button', {
        type: 'button', class: 'btn btn--small btn--danger', text: t('mentor.admin.deactivate'),
        'aria-label': t('mentor.admin.deactivateWho', { name: mentor.display_name || mentor.username }),
        onclick: () => act(error, () => api.deactivateMentor(mentor.id), loadMentors),
      }) : null));
  }));
}

async function onCreateMentor(event) {
  event.preventDefault();
  const form = event.currentTarget; // null once the call below has awaited
  const body = {
    username: $('#mentor-username').value.trim(), display_name: $('#mentor-display').value.trim(),
    password: $('#mentor-password').value, role: $('#mentor-role').value,
  };
  const ok = await act($('#mentor-form-error'), () => api.createMentor(body), loadMentors);
  if (ok) { form.reset(); announce(t('mentor.admin.saved')); }
}

async function loadFigures() {
  const error = $('#figures-error');
  error.textContent = '';
  let rows = [];
  try {
    const data = await api.figures();
    rows = Array.isArray(data) ? data : (Object.values(data || {}).find(Array.isArray) || []);
  } catch (failure) {
    failed(error, failure);
  }
  const columns = rows.length ? Object.keys(rows[0]) : [];
  $('#figures-head').replaceChildren(...columns.map((key) => h('th', { scope: 'col', text: translatedOr(`mentor.figures.${key}`, key) })));
  $('#figures-rows').replaceChildren(...rows.map((row) => h('tr', {}, columns.map((key) => h('td', { text: cell(row[key]) })))));
  drawChart(rows);
}

function cell(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return formatDateTime(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Participants per session as bars: an SVG drawn with DOM calls (no inline style, CSP-safe). */
function drawChart(rows) {
  const box = clear($('#figures-chart'));
  const key = ['participants', 'returning', 'messages'].find((name) => rows.some((row) => typeof row[name] === 'number'));
  if (!key) return;
  const ns = 'http://www.w3.org/2000/svg';
  const values = rows.map((row) => Number(row[key]) || 0);
  const max = Math.max(1, ...values);
  const width = Math.max(200, values.length * 28);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} 120`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('mentor.figures.chartLabel', { what: translatedOr(`mentor.figures.${key}`, key) }));
  svg.setAttribute('class', 'chart__svg');
  values.forEach((value, index) => {
    const bar = document.createElementNS(ns, 'rect');
    const height = (value / max) * 100;
    bar.setAttribute('x', String(index * 28 + 4));
    bar.setAttribute('y', String(110 - height));
    bar.setAttribute('width', '20');
    bar.setAttribute('height', String(height));
    bar.setAttribute('class', 'chart__bar');
    const title = document.createElementNS(ns, 'title');
    title.textContent = String(value);
    bar.append(title);
    svg.append(bar);
  });
  box.append(svg);
}

// --- start ---------------------------------------------------------------------------------------------

async function main() {
  try {
    [config] = await Promise.all([loadConfig(), initI18n()]);
  } catch {
    $('#app-error').hidden = false;
    return;
  }
  api = new Api(config.apiUrl, () => account && account.token);
  announce = announcer($('#live'));
  languageToggle($('#lang-toggle'));
  fillWeekdays();
  account = loadAccount();
  renderWho();

  $('#login-form').addEventListener('submit', onLogIn);
  $('#log-out').addEventListener('click', logOut);
  for (const tab of $$('.tab')) tab.addEventListener('click', () => openTab(tab.dataset.tab));
  $('#sessions-refresh').addEventListener('click', loadSessions);
  $('#chat-back').addEventListener('click', () => { closeChat(); openTab('sessions'); });
  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#composer-text').value.trim();
    if (!text || !chat) return;
    chat.connection.send(text);
    $('#composer-text').value = '';
  });
  enterSends($('#composer-text'), $('#composer'));
  $('#topic-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (chat) act($('#side-error'), () => api.topic(chat.session.id, $('#topic-text').value.trim()));
  });
  $('#announce-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('#announce-text').value.trim();
    if (chat && text && await act($('#side-error'), () => api.announce(chat.session.id, text))) $('#announce-text').value = '';
  });
  $('#slow-mode').addEventListener('change', (event) => chat && act($('#side-error'), () => api.slowMode(chat.session.id, Number(event.target.value))));
  $('#unpin').addEventListener('click', () => chat && act($('#side-error'), () => api.pin(chat.session.id, null)));
  $('#extend').addEventListener('click', () => chat && act($('#side-error'), () => api.extend(chat.session.id, 15), async () => {
    announce(t('mentor.chat.extended'));
  }));
  $('#close-session').addEventListener('click', (event) => moderate('close', {}, event.currentTarget));
  $('#rejoin').addEventListener('click', () => { if (chat) { $('#chat-ended').hidden = true; $('#composer').hidden = false; chat.connection.rejoin(); } });
  $('#mod-form').addEventListener('submit', onModerate);
  $('#mod-cancel').addEventListener('click', () => $('#mod-dialog').close());
  $('#mod-dialog').addEventListener('close', () => { pendingAction?.opener?.isConnected && pendingAction.opener.focus(); pendingAction = null; });
  $('#group-form').addEventListener('submit', onSaveGroup);
  $('#group-form-reset').addEventListener('click', resetGroupForm);
  $('#mentor-form').addEventListener('submit', onCreateMentor);
  document.addEventListener('langchange', () => {
    renderWho();
    fillWeekdays();
    renderReports();
    renderSide();
    if (currentTab !== 'sessions' || !chat) openTab(currentTab);
  });

  if (account) enterApp();
  else showView(views, 'login');
}

main();
