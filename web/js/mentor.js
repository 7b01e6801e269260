// The mentor page: wires its features together. Each feature is a module in mentor/ with its own
// state and rendering: log-in, tabs, live groups, the chat with moderation, reports, audit log,
// standing crisis alerts on a line kept open while on duty, and for admins groups, mentors, figures
// and the organisation's settings.
import { startPage } from './start.js';
import { Api } from './api.js';
import { $, showView, announcer } from './dom.js';
import { currentLang, t } from './i18n.js';
import { createCalls } from './mentor/calls.js';
import { mentorAccount, createLogin } from './mentor/login.js';
import { createTabs } from './mentor/tabs.js';
import { createSessions } from './mentor/sessions.js';
import { createChat } from './mentor/chat.js';
import { createCheckinSpread } from './mentor/checkin.js';
import { createRounds } from './mentor/round.js';
import { createModeration } from './mentor/moderation.js';
import { createReports } from './mentor/reports.js';
import { createAudit } from './mentor/audit.js';
import { createAdminGroups } from './mentor/admin-groups.js';
import { createAdminMentors } from './mentor/admin-mentors.js';
import { createFigures } from './mentor/figures.js';
import { createDuties } from './mentor/duties.js';
import { createRoster } from './mentor/roster.js';
import { createAlerts } from './mentor/alerts.js';
import { createDutyLine } from './mentor/duty.js';
import { createSettings } from './mentor/settings.js';
import { createHandover } from './mentor/handover.js';
import { createPrivateTalks } from './mentor/private.js';
import { createAttention } from './mentor/attention.js';
import { applyLimits } from './mentor/limits.js';

const views = { login: $('#view-login'), app: $('#view-app') };
const panels = {
  sessions: $('#panel-sessions'), chat: $('#panel-chat'), reports: $('#panel-reports'), audit: $('#panel-audit'),
  groups: $('#panel-groups'), mentors: $('#panel-mentors'), figures: $('#panel-figures'),
  duties: $('#panel-duties'), roster: $('#panel-roster'),
  settings: $('#panel-settings'),
};

async function main() {
  const config = await startPage();
  if (!config) return;
  const account = mentorAccount();
  const api = new Api(config.apiUrl, () => account.current && account.current.token);
  const announce = announcer($('#live'));
  const calls = createCalls({ onExpired: logOut });
  applyLimits(config.limits);
  const attention = createAttention();

  const alerts = createAlerts({
    api, account, announce, onExpired: logOut,
    onClaimed: (report) => reports.add(report), onStale: () => reports.load(), onCount: attention.setAlerts,
  });
  const reports = createReports({
    api, calls, announce, onExpired: logOut, onAlert: (text) => chat.notice('crisis', text, 'alert'),
    onArrived: attention.reportArrived, onShowInContext: showInContext,
    onChange: (open) => { alerts.sync(open); chat.refreshMarks(); },
  });
  const duty = createDutyLine({
    wsUrl: config.wsUrl,
    params: () => ({ token: account.current.token, lang: currentLang() }),
    expiresAt: () => (account.current ? Date.parse(account.current.expires_at) : Date.now()),
    onFrame: (frame) => {
      if (frame.type === 'report') reports.add(frame.report, { live: true });
      else if (frame.type === 'report_claimed') reports.add(frame.report);
      talks.onFrame(frame);
    },
    onReconnected: () => reports.load(),
    onOpen: () => talks.resume(),
  });
  const moderation = createModeration({ api, calls, announce, currentChat: () => chat.current });
  const handover = createHandover({
    api, calls, announce, maxChars: config.limits?.max_note_chars, onChange: () => chat.renderSide(),
  });
  const chat = createChat({
    wsUrl: config.wsUrl, account, api, calls, announce, moderate: moderation.open,
    onReport: (report) => reports.add(report, { live: true }), onShow: () => tabs.open('sessions'), handover,
    features: [createCheckinSpread(), createRounds()],
    morePersonItems: (pseudonym) => [talks.inviteItem(pseudonym)],
    reportFor: (messageId) => reports.reportFor(messageId), resolveReport: (report) => reports.resolveReport(report),
  });
  const sessions = createSessions({ api, calls, onEnter: (session, group) => { chat.open(session, group); talks.render(); } });
  const talks = createPrivateTalks({ account, send: (frame) => duty.send(frame), currentChat: () => chat.current, announce });
  const adminGroups = createAdminGroups({ api, calls, announce });
  const tabs = createTabs({
    panels,
    inChat: () => chat.current !== null,
    loaders: {
      sessions: sessions.load,
      reports: reports.load,
      audit: createAudit({ api, calls }).load,
      groups: adminGroups.load,
      mentors: createAdminMentors({ api, calls, announce, account }).load,
      figures: createFigures({ api, calls }).load,
      duties: createDuties({ api, calls, announce }).load,
      roster: createRoster({ api, calls, announce }).load,
      settings: createSettings({ api, calls, announce, onExpired: logOut }).load,
    },
  });
  createLogin({ api, account, onLoggedIn: enterApp });

  /** A report's "show in context": its session's chat, in a tab of its own, at the message; for a
   * message of a private talk, the talk (read-only) in the talks panel, at the message. */
  async function showInContext(report) {
    if (report.talk_id) {
      talks.show(report.talk_id, report.message_id);
      return;
    }
    const answer = await calls.load($('#reports-error'), () => api.sessions());
    const found = (answer?.sessions || []).find(({ session }) => session.id === report.session_id);
    if (!found) {
      $('#reports-error').textContent = t('mentor.reports.sessionClosed');
      return;
    }
    chat.open(found.session, found.group, { messageId: report.message_id });
  }

  function enterApp() {
    showView(views, 'app', { focus: false });
    tabs.open('sessions');
    reports.load();
    duty.start();
  }

  function logOut() {
    chat.close();
    duty.stop();
    account.save(null);
    reports.forget();
    talks.forget();
    alerts.clear();
    showView(views, 'login');
  }

  $('#log-out').addEventListener('click', logOut);
  document.addEventListener('langchange', () => {
    account.render();
    adminGroups.renderWeekdays();
    reports.render();
    tabs.refresh();
  });

  account.render();
  if (account.current) enterApp();
  else showView(views, 'login');
}

main();
