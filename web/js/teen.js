// The teen page: wires its features together. Each feature is a module in teen/ with its own
// state and rendering: sign-up and log-in, the group list, the chat, its notices, reporting.
import { startPage } from './start.js';
import { t } from './i18n.js';
import { Api } from './api.js';
import { $, showView } from './dom.js';
import { signedIn } from './account.js';
import { createSignup } from './teen/signup.js';
import { createGroups } from './teen/groups.js';
import { createChat, savedGroup } from './teen/chat.js';
import { createNotices } from './teen/notices.js';
import { createReport } from './teen/report.js';

const ACCOUNT_KEY = 'gruppechat.teen';

const views = {
  welcome: $('#view-welcome'), signup: $('#view-signup'), recovery: $('#view-recovery'),
  login: $('#view-login'), groups: $('#view-groups'), chat: $('#view-chat'),
};

async function main() {
  const config = await startPage();
  if (!config) return;
  // {token, pseudonym, expires_at} while a teen is logged in on this tab.
  const account = signedIn(ACCOUNT_KEY, ({ pseudonym }) => t('nav.signedInAs', { name: pseudonym }));
  const api = new Api(config.apiUrl, () => account.current && account.current.token);

  const notices = createNotices();
  const report = createReport({ currentChat: () => chat.current, notices });
  const groups = createGroups({ api, account, onJoin: (groupId) => chat.open(groupId), onExpired: logOut });
  const chat = createChat({
    wsUrl: config.wsUrl, api, account, notices, findGroup: groups.find, onReport: report.open,
    onShow: () => showView(views, 'chat', { focus: false }), onLeft: () => go('groups'),
  });
  createSignup({ api, account, go });

  function go(name) {
    showView(views, name);
    if (name === 'groups') groups.load();
  }

  function logOut() {
    chat.forget();
    account.save(null);
    go('welcome');
  }

  $('#go-signup').addEventListener('click', () => go('signup'));
  $('#go-login').addEventListener('click', () => go('login'));
  for (const button of document.querySelectorAll('[data-go]')) button.addEventListener('click', () => go(button.dataset.go));
  $('#log-out').addEventListener('click', logOut);
  document.addEventListener('langchange', () => {
    account.render();
    if (!views.groups.hidden) groups.render();
  });

  account.render();
  if (!account.current) { go('welcome'); return; }
  const groupId = savedGroup();
  if (groupId) {
    // A reload inside the chat: go straight back in (and re-send anything unsent).
    try { await groups.fetch(); } catch { /* the title arrives with the join */ }
    chat.open(groupId);
  } else {
    go('groups');
  }
}

main();
