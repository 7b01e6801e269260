// Notices above the teen's chat: one of each kind at a time, most of them dismissable; closing
// one puts the teen back in the message box.
import { t } from '../i18n.js';
import { h, $, clear } from '../dom.js';

export function createNotices() {
  const box = () => $('#chat-notices');

  function show(kind, text, { persistent = false } = {}) {
    replace(kind, h('div', { class: `notice notice--${kind}`, role: 'status', dataset: { kind } },
      h('p', { text }), persistent ? null : dismissButton()));
  }

  /**
   * Help lines after a crisis signal: who to call, as links a phone can dial, in the server's order
   * (112 first when it is acute). The intro follows the level and kind the server names.
   */
  function helpLines(lines, { severity = null, kind = 'crisis' } = {}) {
    let intro = t('help.intro');
    if (severity === 'acute') intro = t('help.introAcute');
    else if (kind === 'danger') intro = t('help.introDanger');
    replace('help', h('div', { class: `notice notice--help${severity === 'acute' ? ' notice--acute' : ''}`, role: 'alert', dataset: { kind: 'help' } },
      h('h2', { class: 'notice__title', text: t('help.title') }),
      h('p', { text: intro }),
      h('ul', { class: 'help-lines' }, lines.map((line) => h('li', {},
        h('strong', { text: line.name }), ' ',
        h('a', { href: `tel:${String(line.phone).replace(/[^\d+]/g, '')}`, text: line.phone }),
        line.text ? h('p', { class: 'hint', text: line.text }) : null))),
      dismissButton()));
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
