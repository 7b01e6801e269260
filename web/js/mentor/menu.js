// One small "⋯" button per message or person instead of a row of buttons: the chat keeps its room
// for messages. The menu follows the WAI-ARIA menu button pattern: Enter, Space or ↓ opens it on the
// first item, ↑/↓/Home/End move, Escape or Tab closes it and the focus returns to the button.
import { h } from '../dom.js';

let openMenu = null; // {wrap, button, list}: one menu open at a time

/**
 * A menu button. ``label`` names it for screen readers ("Handlinger for Ravns besked"); ``items()``
 * is asked each time the menu opens, so it offers what is possible now:
 * [{text, action, danger?, onSelect(button)}].
 */
export function actionMenu({ label, items }) {
  const button = h('button', {
    type: 'button', class: 'btn btn--small btn--quiet menu__button', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
  }, h('span', { 'aria-hidden': 'true', text: '⋯' }), h('span', { class: 'visually-hidden', text: label }));
  const wrap = h('div', { class: 'menu' }, button);

  function open(focusLast = false) {
    closeMenu();
    const list = h('div', { class: 'menu__list', role: 'menu', 'aria-label': label },
      items().map((item) => h('button', {
        type: 'button', role: 'menuitem', tabindex: '-1', class: `menu__item${item.danger ? ' menu__item--danger' : ''}`,
        text: item.text, dataset: { action: item.action },
        onclick: () => { closeMenu(false); item.onSelect(button); },
      })));
    list.addEventListener('keydown', (event) => onKey(event, list));
    wrap.append(list);
    // Near the bottom of the chat (or of the window) the menu opens upwards, so no item is cut off.
    const room = wrap.closest('.messages, .mentor-grid__side')?.getBoundingClientRect() || { bottom: window.innerHeight };
    if (list.getBoundingClientRect().bottom > Math.min(room.bottom, window.innerHeight)) list.classList.add('menu__list--up');
    button.setAttribute('aria-expanded', 'true');
    openMenu = { wrap, button, list };
    const entries = menuItems(list);
    (focusLast ? entries[entries.length - 1] : entries[0])?.focus();
  }

  button.addEventListener('click', () => (openMenu && openMenu.button === button ? closeMenu() : open()));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open(event.key === 'ArrowUp');
    }
  });
  return wrap;
}

function menuItems(list) {
  return Array.from(list.querySelectorAll('[role=menuitem]'));
}

function onKey(event, list) {
  const entries = menuItems(list);
  const at = entries.indexOf(document.activeElement);
  const move = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 }[event.key];
  if (move !== undefined) {
    event.preventDefault();
    entries[(move + entries.length) % entries.length].focus();
  } else if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    closeMenu();
  } else if (event.key === 'Tab') {
    closeMenu(false);
  }
}

/** Close the open menu; the focus goes back to its button unless the caller moves it elsewhere. */
export function closeMenu(refocus = true) {
  if (!openMenu) return;
  const { button, list } = openMenu;
  openMenu = null;
  list.remove();
  button.setAttribute('aria-expanded', 'false');
  if (refocus && button.isConnected) button.focus();
}

document.addEventListener('click', (event) => {
  if (openMenu && !openMenu.wrap.contains(event.target)) closeMenu(false);
});
