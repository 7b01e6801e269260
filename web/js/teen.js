// The teen page: wires its features together. Each feature is a module in teen/ with its own
// state and rendering: sign-up, log-in and recovery, the group list, the chat, its notices, reporting,
// and the teen's own account.
import { startPage } from './start.js';
import { t } from './i18n.js';
import { Api } from './api.js';
import { $, showView } from './dom.js';
import { signedIn } from './account.js';
import { createSignup } from './teen/signup.js';
import { createSettings } from './teen/settings.js';
import { createGroups } from './teen/groups.js';
import { createChat, savedGroup } from './teen/chat.js';
import { createNotices } from './teen/notices.js';
import { createReport } from './teen/report.js';
import { applyLimits } from './teen/limits.js';
import { fitChatToScreen, setInChat } from './teen/viewport.js';
import { createPrivateTalk } from './teen/private.js';
import { createCheckin } from './teen/checkin.js';
import { createRound } from './teen/round.js';
import { createReminders } from './teen/reminders.js';

const ACCOUNT_KEY = 'gruppechat.teen';

const views = {
  welcome: $('#view-welcome'), signup: $('#view-signup'), recovery: $('#view-recovery'),
  login: $('#view-login'), recover: $('#view-recover'), groups: $('#view-groups'), chat: $('#view-chat'),
  account: $('#view-account'),
};

async function main() {
  const config = await startPage();
  if (!config) return;
  applyLimits(config.limits);
  fitChatToScreen();
  // {token, pseudonym, expires_at} while a teen is logged in on this tab.
  const account = signedIn(ACCOUNT_KEY, ({ pseudonym }) => t('nav.signedInAs', { name: pseudonym }));
  const api = new Api(config.apiUrl, () => account.current && account.current.token);

  const notices = createNotices();
  const privateTalk = createPrivateTalk({ notices, account });
  const report = createReport({ currentChat: () => chat.current, notices });
  const reminders = createReminders({ api, apiUrl: config.apiUrl });
  const groups = createGroups({
    api, account, onJoin: (groupId) => chat.open(groupId), onExpired: logOut, cardExtra: (group) => reminders.control(group),
  });
  const chat = createChat({
    wsUrl: config.wsUrl, api, account, notices, findGroup: groups.find, refreshGroups: groups.fetch, onReport: report.open,
    onShow: () => { setInChat(true); showView(views, 'chat', { focus: false }); }, onLeft: () => go('groups'),
    onConnection: privateTalk.attach,
    features: [createCheckin(), createRound({ account })],
  });
  const signup = createSignup({ api, account, go });
  const settings = createSettings({
    api, showRecoveryCode: signup.showRecoveryCode,
    onDeleted: () => { logOut(); showWelcomeNotice(t('account.deleted')); },
  });

  function go(name) {
    setInChat(false);
    showView(views, name);
    if (name !== 'welcome') $('#welcome-notice').hidden = true;
    if (name === 'groups') groups.load().then(() => account.current && reminders.load(() => groups.render()));
    if (name === 'account') settings.open();
  }

  function showWelcomeNotice(text) {
    $('#welcome-notice').textContent = text;
    $('#welcome-notice').hidden = false;
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
