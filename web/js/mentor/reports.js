// The reports queue: teens' reports, crisis and danger flags and held-back messages, live as they
// arrive, each with its level and kind in words, the group and meeting it came from, and who is on
// it, until a mentor marks them handled. "Show in context" opens that session's chat at the message;
// a report from a private talk says so, opens the talk (read-only) in the talks panel instead, and can
// remove the message from the talk here (which also marks the report handled).
import { t, formatDateTime, formatWhen, errorText, translatedOr } from '../i18n.js';
import { h, $ } from '../dom.js';
import { limit } from './limits.js';

// What a mentor hears when a report comes in live, by its kind.
const NEW_REPORT = { crisis: 'mentor.reports.newCrisis', danger: 'mentor.reports.newCrisis', no_mentor: 'mentor.reports.newNoMentor' };

export function createReports({ api, calls, announce, onExpired, onAlert, onArrived = () => {}, onShowInContext, onChange = () => {} }) {
  let reports = new Map(); // report id -> report

  async function load() {
    const error = $('#reports-error');
    error.textContent = '';
    try {
      const { reports: open = [] } = await api.reports('open');
      reports = new Map(open.map((report) => [report.id, report]));
    } catch (failure) {
      if (failure.status === 401) { onExpired(); return; }
      // A server without the reports route still lets the mentor chat.
      if (!failure.notAvailable) error.textContent = errorText(failure.code, failure.message);
    }
    render();
  }

  /** A report from the chat; a live crisis or urgent one also alerts the mentor in the chat. */
  function add(report, { live = false } = {}) {
    if (!report || !report.id) return;
    const isNew = !reports.has(report.id);
    reports.set(report.id, { ...reports.get(report.id), ...report });
    render();
    if (live && isNew) {
      const flagged = report.kind === 'crisis' || report.kind === 'danger';
      const text = t(NEW_REPORT[report.kind] || 'mentor.reports.new', { name: report.pseudonym || '' });
      announce(text);
      onArrived(report);
      if (report.priority === 'high' || flagged) onAlert(text);
    }
  }

  /** Forget them all (on log-out) without drawing: the next log-in loads them again. */
  function forget() {
    reports = new Map();
  }

  function openReports() {
    // The most urgent first, as the server ranks them; within a rank the oldest waits longest.
    return Array.from(reports.values()).filter((r) => (r.status || 'open') === 'open').sort((a, b) =>
      (rank(a) - rank(b)) || String(a.created_at).localeCompare(String(b.created_at)));
  }

  function render() {
    const open = openReports();
    const count = $('#reports-count');
    count.hidden = open.length === 0;
    count.textContent = String(open.length);
    count.setAttribute('aria-label', t('mentor.reports.count', { count: open.length }));
    $('#reports-empty').hidden = open.length > 0;
    $('#report-list').replaceChildren(...open.map(reportItem));
    onChange(open);
  }

  /** Where it happened, in words: "Torsdagsgruppen · møde 7, torsdag 27. november kl. 19.00". */
  function placeText(report) {
    if (!report.group_name) return null;
    if (!report.session_starts_at) return report.group_name;
    const when = formatWhen(report.session_starts_at);
    const meeting = report.session_number
      ? t('mentor.reports.meetingNumber', { number: report.session_number, when }) : when;
    return `${report.group_name} · ${meeting}`;
  }

  function reportItem(report) {
    const noteId = `note-${report.id}`;
    const place = placeText(report);
    const flagged = report.kind === 'crisis' || report.kind === 'danger';
    return h('li', { class: `report report--${report.kind}${report.priority === 'high' ? ' report--high' : ''}`, dataset: { id: report.id } },
      h('div', { class: 'report__head' },
        h('span', { class: `badge badge--${report.kind}`, text: t(`mentor.reports.kind.${report.kind}`) }),
        report.talk_id ? h('span', { class: 'badge badge--talk', text: t('mentor.reports.privateTalk') }) : null,
        report.severity ? h('span', { class: `badge badge--level badge--${report.severity}`, text: t(`mentor.reports.severity.${report.severity}`) }) : null,
        report.priority === 'high' && !report.severity ? h('span', { class: 'badge badge--high', text: t('mentor.reports.high') }) : null,
        h('span', { class: 'report__who', text: report.pseudonym || '' }),
        report.created_at ? h('time', { datetime: report.created_at, text: formatDateTime(report.created_at) }) : null),
      report.talk_id ? h('p', { class: 'report__talk hint', text: t('mentor.reports.privateTalkWith') }) : null,
      place ? h('p', { class: 'report__where' }, h('span', { class: 'label', text: t('mentor.reports.where') }), ' ', h('span', { text: place })) : null,
      report.claimed_by ? h('p', { class: 'report__claimed', text: t('mentor.reports.claimedBy', { name: report.claimed_by }) }) : null,
      report.text ? h('blockquote', { class: `quote${flagged ? ' quote--crisis' : ''}`, text: report.text }) : null,
      report.reason ? h('p', {}, h('span', { class: 'label', text: t('mentor.reports.reason') }), ' ', h('span', { text: reasonText(report.reason) })) : null,
      h('form', { class: 'form form--inline report__form', novalidate: true, onsubmit: (event) => resolve(event, report) },
        h('label', { for: noteId, text: t('mentor.reports.note') }),
        h('input', { id: noteId, maxlength: limit('max_reason', 500) }),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'btn btn--small', text: t('mentor.reports.resolve') }),
          report.talk_id && report.message_id ? h('button', {
            type: 'button', class: 'btn btn--small btn--danger', text: t('mentor.reports.removeMessage'),
            onclick: (event) => removeFromTalk(event, report),
          }) : null,
          report.message_id && (report.talk_id || report.session_open !== false) ? h('button', {
            type: 'button', class: 'btn btn--small btn--quiet', text: t('mentor.reports.showInContext'),
            onclick: () => onShowInContext(report),
          }) : null)));
  }

  async function resolve(event, report) {
    event.preventDefault();
    const note = event.currentTarget.querySelector('input').value.trim();
    await resolveReport(report, note);
  }

  /** A private talk's message is not in any chat the console opens: it is removed from here, with
   * the note as the reason, and the report is handled with it. */
  async function removeFromTalk(event, report) {
    const note = event.currentTarget.closest('form').querySelector('input').value.trim();
    if (await calls.act($('#reports-error'), () => api.removeReportedMessage(report.id, note))) {
      reports.delete(report.id);
      render();
      announce(t('mentor.reports.removed'));
    }
  }

  /** Mark a report handled (from its form, or from the message's menu in the chat). */
  async function resolveReport(report, note = '') {
    if (await calls.act($('#reports-error'), () => api.resolveReport(report.id, note))) {
      reports.delete(report.id);
      render();
      announce(t('mentor.reports.resolved'));
      return true;
    }
    return false;
  }

  /** The open report about a message, the most urgent if there are several. */
  function reportFor(messageId) {
    return openReports().find((report) => report.message_id === messageId);
  }

  return { load, add, forget, render, reportFor, resolveReport };
}

// The server's ranks (chalicelib/moderation/reports.py): acute, plan, ideation or danger, concern, then
// other urgent reports, then the rest.
const RANKS = { acute: 0, plan: 1, ideation: 2, concern: 3 };

function rank(report) {
  if (report.severity in RANKS) return report.kind === 'danger' && report.severity !== 'acute' ? 2 : RANKS[report.severity];
  return report.priority === 'high' ? 4 : 5;
}

/**
 * Why, in the mentor's language: the reason code the teen picked (``unkind``, followed by
 * ``: their note``) or the one the guard found (``phone``, ``crisis``); any other text as it is.
 */
function reasonText(reason) {
  const cut = reason.indexOf(': ');
  const code = cut === -1 ? reason : reason.slice(0, cut);
  const note = cut === -1 ? '' : reason.slice(cut);
  return translatedOr(`mentor.reports.why.${code}`, code) + note;
}
