// Standing alerts: an acute crisis, or a teen in danger from someone else, stays on every mentor's
// screen until one of them answers "I'm on it". Then it leaves every screen, and the others see who
// took it. The alerts follow the open reports (reports.js calls sync after every change), so a
// mentor who logs in later still finds an alert nobody has taken.
import { t, formatTime, errorText } from '../i18n.js';
import { h, $ } from '../dom.js';

const TAKEN_SHOWN = 3; // the newest "Mette is on it" lines kept on screen

/** An alert no mentor may miss: acute, or danger from others, open and not yet taken. */
export function needsStandingAlert(report) {
  return (report.status || 'open') === 'open' && !report.claimed_by
    && (report.severity === 'acute' || report.kind === 'danger');
}

export function createAlerts({ api, account, announce, onClaimed, onStale, onExpired, onCount = () => {} }) {
  const shown = new Map(); // report id -> {report, node}
  let returnFocus = null; // where the mentor was before the first alert took the focus

  /** Bring the alerts in line with the open reports: new ones appear, taken or handled ones leave. */
  function sync(openReports) {
    const byId = new Map(openReports.map((report) => [report.id, report]));
    for (const [id, alert] of shown) {
      const now = byId.get(id);
      if (now && needsStandingAlert(now)) {
        alert.report = now;
        fill(alert);
      } else {
        leave(id, now);
      }
    }
    const arrived = openReports.filter((report) => needsStandingAlert(report) && !shown.has(report.id));
    for (const report of arrived) show(report);
    if (arrived.length) takeFocus(shown.get(arrived[0].id).node);
    renderTitle();
  }

  function show(report) {
    const id = report.id;
    const node = h('section', {
      class: `alert alert--${report.kind}`, role: 'alertdialog', tabindex: '-1', dataset: { id },
      'aria-labelledby': `alert-title-${id}`, 'aria-describedby': `alert-what-${id} alert-stays-${id}`,
    },
    h('h2', { id: `alert-title-${id}`, class: 'alert__title' }),
    h('p', { id: `alert-what-${id}`, class: 'alert__what' }),
    h('blockquote', { class: 'quote alert__quote' }),
    h('p', { id: `alert-stays-${id}`, class: 'alert__stays' }),
    h('div', { class: 'actions' }, h('button', {
      type: 'button', class: 'btn btn--danger alert__claim', onclick: (event) => claim(id, event.currentTarget),
    })),
    h('p', { class: 'form-error', role: 'alert' }));
    const alert = { report, node };
    shown.set(id, alert);
    fill(alert);
    $('#alerts').append(node);
  }

  /** The alert's words, in the mentor's language (again after a language switch). */
  function fill({ report, node }) {
    const name = report.pseudonym || '';
    $('.alert__title', node).textContent = report.kind === 'danger'
      ? t('mentor.alert.danger', { name }) : t('mentor.alert.crisis', { name });
    $('.alert__what', node).textContent = [
      report.severity ? t(`mentor.reports.severity.${report.severity}`) : null,
      t(`mentor.reports.kind.${report.kind}`),
      report.created_at ? t('mentor.alert.when', { time: formatTime(report.created_at) }) : null,
    ].filter(Boolean).join(' · ');
    const quote = $('.alert__quote', node);
    quote.textContent = report.text || '';
    quote.hidden = !report.text;
    $('.alert__stays', node).textContent = t('mentor.alert.stays');
    const button = $('.alert__claim', node);
    button.textContent = t('mentor.alert.claim');
    button.setAttribute('aria-label', t('mentor.alert.claimFor', { name }));
  }

  async function claim(id, button) {
    const alert = shown.get(id);
    if (!alert) return;
    const error = $('.form-error', alert.node);
    error.textContent = '';
    button.disabled = true;
    try {
      const { report } = await api.claimReport(id);
      onClaimed(report); // the reports list takes it, and hands it back through sync
    } catch (failure) {
      button.disabled = false;
      if (failure.status === 401) { onExpired(); return; }
      if (failure.code === 'report_not_found') { leave(id, null); renderTitle(); onStale(); return; }
      error.textContent = errorText(failure.code, failure.message, failure.details);
    }
  }

  /** The alert leaves the screen; when someone took it, say who. */
  function leave(id, report) {
    const alert = shown.get(id);
    if (!alert) return;
    shown.delete(id);
    const hadFocus = alert.node.contains(document.activeElement);
    alert.node.remove();
    if (report && report.claimed_by) taken(report);
    if (hadFocus) giveFocusBack();
  }

  function taken(report) {
    const me = account.current && account.current.mentor && account.current.mentor.name;
    const name = report.pseudonym || '';
    const text = report.claimed_by === me
      ? t('mentor.alert.takenByYou', { name }) : t('mentor.alert.taken', { who: report.claimed_by, name });
    const list = $('#alerts-taken');
    list.prepend(h('p', { class: 'alert-taken', role: 'status', dataset: { id: report.id } },
      h('span', { text }), ' ',
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet', text: t('nav.dismiss'),
        onclick: (event) => event.currentTarget.closest('.alert-taken').remove(),
      })));
    for (const old of Array.from(list.children).slice(TAKEN_SHOWN)) old.remove();
    announce(text);
  }

  /** An alert dialog takes the focus so a screen reader reads it at once; the mentor gets it back after. */
  function takeFocus(node) {
    const active = document.activeElement;
    if (!$('#alerts').contains(active)) returnFocus = active;
    node.focus();
  }

  function giveFocusBack() {
    const next = shown.values().next().value;
    if (next) { next.node.focus(); return; }
    const back = returnFocus;
    returnFocus = null;
    if (back && back.isConnected && back !== document.body && !back.closest('[hidden]')) back.focus();
  }

  /** The page's title counts the alerts (attention.js composes it with the reports not yet seen). */
  function renderTitle() {
    onCount(shown.size);
  }

  /** On log-out: nothing stays behind for the next person at this screen. */
  function clear() {
    shown.clear();
    returnFocus = null;
    $('#alerts').replaceChildren();
    $('#alerts-taken').replaceChildren();
    renderTitle();
  }

  return { sync, clear };
}
