// Handover between mentors: a short note per pseudonym in this group, read and edited in a small
// panel from the member list and the message menu, and the summary the group's last session left
// ("Sidste uges opsummering") above the chat. Notes are for the organisation's mentors only; the
// teen can read the notes about them in their own data export, and the panel says so.
import { t, formatDateTime, errorText } from '../i18n.js';
import { h, $ } from '../dom.js';

const DEFAULT_MAX_CHARS = 1000;
const CRISIS_LEVELS = ['concern', 'ideation', 'plan', 'acute'];

export function createHandover({ api, calls, announce, maxChars = DEFAULT_MAX_CHARS, onChange = () => {} }) {
  let here = null; // {groupId, notes: Map(pseudonym key -> note), summary}
  let editing = null; // {pseudonym, version, opener}
  const parts = buildPanel(maxChars);
  const summaryBox = h('section', {
    id: 'handover-summary', class: 'handover-summary', hidden: true, 'aria-labelledby': 'handover-summary-title',
  });
  $('#chat-rooms')?.before(summaryBox); // above the open chat, whichever tab it is in
  document.body.append(parts.dialog);

  const key = (pseudonym) => String(pseudonym || '').normalize('NFKC').toLocaleLowerCase().trim();
  const notesPath = () => `/mentor/groups/${encodeURIComponent(here.groupId)}/notes`;

  /** A mentor opened a group's session: load its notes and the summary its last session left. */
  async function enter(group) {
    here = { groupId: group.id, notes: new Map(), summary: null };
    renderSummary();
    const groupId = group.id;
    const shownAt = $('#side-error') || parts.error;
    const [notes, summaries] = await Promise.all([
      calls.load(shownAt, () => api.get(notesPath())),
      calls.load(shownAt, () => api.get(`/mentor/groups/${encodeURIComponent(groupId)}/summaries?limit=1`)),
    ]);
    if (!here || here.groupId !== groupId) return; // the mentor moved on meanwhile
    for (const note of (notes && notes.notes) || []) here.notes.set(key(note.pseudonym), note);
    here.summary = ((summaries && summaries.summaries) || [])[0] || null;
    renderSummary();
    onChange();
  }

  function leave() {
    here = null;
    summaryBox.hidden = true;
    if (parts.dialog.open) parts.dialog.close();
  }

  /** The button next to a teen's name: "Note" (or "Se note" when there is one) opens the panel. */
  function noteButton(pseudonym) {
    if (!here) return null;
    const has = here.notes.has(key(pseudonym));
    return h('button', {
      type: 'button', class: `btn btn--small btn--quiet${has ? ' has-note' : ''}`,
      text: t(has ? 'handover.noteExists' : 'handover.note'), dataset: { action: 'note', pseudonym },
      'aria-label': t('handover.noteWho', { name: pseudonym }),
      onclick: (event) => open(pseudonym, event.currentTarget),
    });
  }

  function open(pseudonym, opener) {
    const note = here && here.notes.get(key(pseudonym));
    editing = { pseudonym, version: note ? note.version : 0, opener };
    parts.title.textContent = t('handover.title', { name: pseudonym });
    parts.label.textContent = t('handover.label');
    parts.hint.textContent = t('handover.hint', { max: maxChars });
    parts.theirsTitle.textContent = t('handover.theirs');
    parts.save.textContent = t('handover.save');
    parts.cancel.textContent = t('nav.cancel');
    parts.text.value = note ? note.text : '';
    parts.error.textContent = '';
    parts.theirs.hidden = true;
    renderWritten(note);
    parts.dialog.showModal();
    parts.text.focus();
  }

  function renderWritten(note) {
    parts.written.textContent = note
      ? t('handover.written', { name: note.written_by, when: formatDateTime(note.written_at) })
      : t('handover.none');
  }

  async function save(event) {
    event.preventDefault();
    if (!editing || !here) return;
    const { pseudonym, version } = editing;
    const text = parts.text.value.trim();
    parts.error.textContent = '';
    try {
      const answer = await api.put(notesPath(), { pseudonym, text, version });
      if (answer.note) here.notes.set(key(pseudonym), answer.note);
      else here.notes.delete(key(pseudonym));
      parts.dialog.close();
      announce(t(answer.note ? 'handover.saved' : 'handover.removed', { name: pseudonym }));
      onChange();
    } catch (failure) {
      if (failure.code === 'note_conflict') await showTheirs(pseudonym);
      else if (failure.status === 401) calls.load(parts.error, () => Promise.reject(failure));
      else parts.error.textContent = errorText(failure.code, failure.message, failure.details);
    }
  }

  /** Another mentor saved first: show what is stored now next to the mentor's own text, to merge. */
  async function showTheirs(pseudonym) {
    const notes = await calls.load(parts.error, () => api.get(notesPath()));
    if (!notes || !here || !editing) return;
    here.notes = new Map(notes.notes.map((note) => [key(note.pseudonym), note]));
    const stored = here.notes.get(key(pseudonym));
    editing.version = stored ? stored.version : 0;
    parts.error.textContent = errorText('note_conflict', '');
    parts.theirs.hidden = false;
    parts.theirsText.textContent = stored ? stored.text : t('handover.theirsRemoved');
    renderWritten(stored);
    onChange();
  }

  function renderSummary() {
    const summary = here && here.summary;
    summaryBox.hidden = !summary;
    if (!summary) { summaryBox.replaceChildren(); return; }
    const crisis = CRISIS_LEVELS.filter((level) => summary.crisis && summary.crisis[level] > 0)
      .map((level) => `${t(`mentor.reports.severity.${level}`)}: ${summary.crisis[level]}`);
    const reports = Object.values(summary.reports || {}).reduce((sum, count) => sum + count, 0);
    const lines = [
      summary.topic ? t('handover.summary.topic', { topic: summary.topic }) : null,
      // Under five who came, the server leaves out how many came back (it would tell who did).
      typeof summary.returning === 'number'
        ? t('handover.summary.participants', { count: summary.participants, returning: summary.returning })
        : t('handover.summary.participantsOnly', { count: summary.participants }),
      t('handover.summary.messages', { count: summary.messages }),
      t('handover.summary.reports', { count: reports, open: summary.reports_open }),
      crisis.length ? t('handover.summary.crisis', { levels: crisis.join(', ') }) : t('handover.summary.noCrisis'),
      t('handover.summary.notes', { count: summary.notes_written }),
      summary.noted && summary.noted.length ? t('handover.summary.noted', { names: summary.noted.join(', ') }) : null,
    ];
    summaryBox.replaceChildren(
      h('h2', { id: 'handover-summary-title', class: 'side-title', text: t('handover.summaryTitle') }),
      h('p', { class: 'hint', text: formatDateTime(summary.starts_at) }),
      h('ul', { class: 'handover-summary__list' }, lines.filter(Boolean).map((line) => h('li', { text: line }))),
      h('button', {
        type: 'button', class: 'btn btn--small btn--quiet', text: t('nav.dismiss'),
        onclick: () => { summaryBox.hidden = true; },
      }),
    );
  }

  parts.form.addEventListener('submit', save);
  parts.cancel.addEventListener('click', () => parts.dialog.close());
  parts.dialog.addEventListener('close', () => {
    if (editing?.opener?.isConnected) editing.opener.focus();
    editing = null;
  });
  document.addEventListener('langchange', renderSummary);

  return { enter, leave, noteButton };
}

/** The note panel: a dialog of its own, so the page's markup needs no change. */
function buildPanel(maxChars) {
  const title = h('h2', { id: 'note-title' });
  const written = h('p', { class: 'hint', id: 'note-written' });
  const label = h('label', { for: 'note-text' });
  const text = h('textarea', { id: 'note-text', rows: 5, maxlength: maxChars });
  const hint = h('p', { class: 'hint' });
  const theirsTitle = h('p', { class: 'side-title' });
  const theirsText = h('p', { class: 'note-theirs__text' });
  const theirs = h('div', { class: 'notice note-theirs', hidden: true }, theirsTitle, theirsText);
  const error = h('p', { class: 'form-error', role: 'alert', id: 'note-error' });
  const save = h('button', { type: 'submit', class: 'btn btn--primary', id: 'note-save' });
  const cancel = h('button', { type: 'button', class: 'btn btn--quiet' });
  const form = h('form', { class: 'form', novalidate: true },
    title, written, label, text, hint, theirs, error, h('div', { class: 'actions' }, save, cancel));
  const dialog = h('dialog', { id: 'note-dialog', class: 'dialog', 'aria-labelledby': 'note-title' }, form);
  return { dialog, form, title, written, label, text, hint, theirs, theirsTitle, theirsText, error, save, cancel };
}
