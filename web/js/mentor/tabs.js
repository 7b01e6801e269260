// The mentor page's tabs: one panel at a time, loaded fresh when it opens. While a chat is on
// screen, the "live groups" tab shows the chat instead of the list, and the page takes the window's
// height so the chat's messages, not the page, scroll.
import { $$ } from '../dom.js';

export function createTabs({ panels, loaders, inChat }) {
  let current = 'sessions';

  function open(name) {
    current = name;
    const panelName = name === 'sessions' && inChat() ? 'chat' : name;
    for (const [key, panel] of Object.entries(panels)) panel.hidden = key !== panelName;
    document.body.classList.toggle('in-chat', panelName === 'chat');
    for (const tab of $$('.tab')) {
      if (tab.dataset.tab === name) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    if (panelName !== 'chat') loaders[name]?.();
  }

  /** Reload the open panel (after a language switch); an open chat renders itself. */
  function refresh() {
    if (current !== 'sessions' || !inChat()) open(current);
  }

  for (const tab of $$('.tab')) tab.addEventListener('click', () => open(tab.dataset.tab));
  return { open, refresh };
}
