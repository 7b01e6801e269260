// Private notices beside the message box, where the teen is looking: help lines after a crisis
// line, why a message was held back, a report's confirmation, reconnecting, waiting, slowing down.
// One of each kind at a time, most of them dismissable; closing one puts the teen back in the box.
// The box is an aria-live region, so a screen reader hears each notice as it comes.
import { t, has } from '../i18n.js';
import { h, $, clear } from '../dom.js';

export function createNotices() {
  const box = () => $('#chat-notices');

  function show(kind, text, { persistent = false } = {}) {
    replace(kind, h('div', { class: `notice notice--${kind}`, dataset: { kind } },
      h('p', { class: 'notice__text', text }), persistent ? null : dismissButton()));
  }

  /**
   * Help lines after a crisis signal: who to call, as links a phone can dial, in the server's order
   * (112 first when it is acute). The server names each line (id, name, number, address); the words
   * — the intro by level and kind, what a line is for, when it is open — are the page's own.
   */
  function helpLines(lines, { severity = null, kind = 'crisis' } = {}) {
    let intro = t('help.intro');
    if (severity === 'acute') intro = t('help.introAcute');
    else if (kind === 'danger') intro = t('help.introDanger');
    const acute = severity === 'acute';
    replace('help', h('section', {
      class: `notice notice--help${acute ? ' notice--acute' : ''}`, role: 'alert', 'aria-labelledby': 'help-title', dataset: { kind: 'help' },
    },
      h('h2', { id: 'help-title', class: 'notice__title', text: t('help.title') }),
      h('p', { class: 'notice__text', text: intro }),
      h('ul', { class: 'help-lines' }, lines.map(helpLine)),
      acute || lines.some((line) => line.id === '112') ? null : h('p', { class: 'help-lines__emergency', text: t('help.emergency') }),
      dismissButton()));
  }

  function helpLine(line) {
    const id = String(line.id || '');
    const about = has(`help.line.${id}`) ? t(`help.line.${id}`) : '';
    const hours = has(`help.hours.${id}`) ? t(`help.hours.${id}`) : '';
    const site = line.url ? new URL(line.url).hostname.replace(/^www\./, '') : '';
    return h('li', { class: 'help-line', dataset: { line: id } },
      h('a', { class: 'help-line__call', href: `tel:${String(line.phone).replace(/[^\d+]/g, '')}` },
        h('span', { class: 'help-line__name', text: line.name }),
        // "112 112" says nothing twice: the number only where the name is not already the number.
        line.phone !== line.name ? [' ', h('span', { class: 'help-line__phone', text: line.phone })] : null),
      about || hours ? h('p', { class: 'help-line__about', text: [about, hours].filter(Boolean).join(' · ') }) : null,
      site ? h('a', { class: 'help-line__site', href: line.url, rel: 'noopener', target: '_blank', text: t('help.write', { site }) }) : null);
  }

  function remove(kind) {
    box().querySelector(`[data-kind="${kind}"]`)?.remove();
  }

  function replace(kind, node) {
    const old = box().querySelector(`[data-kind="${kind}"]`);
    if (old) old.replaceWith(node);
    else box().append(node);
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

  return { show, helpLines, remove, clear: () => clear(box()) };
}
