// While the tab is in the background, its title counts the messages that came: "(3) Gruppechat".
import { t } from '../i18n.js';

export function createUnread() {
  let count = 0;

  function render() {
    const title = t(document.body.dataset.titleKey || 'page.title');
    document.title = count ? t('page.titleUnread', { count, title }) : title;
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && count) { count = 0; render(); }
  });
  document.addEventListener('langchange', render);

  return {
    /** A message from someone else arrived. */
    arrived() {
      if (document.visibilityState !== 'hidden') return;
      count += 1;
      render();
    },
    clear() { count = 0; render(); },
  };
}
