// "X skriver …": who is writing right now. The server forwards a typing frame at most every 2 s per
// connection; this page sends one at most every 3 s while the teen types, and shows another's for
// 5 s after their last frame, or until their message arrives.
import { t } from '../i18n.js';

export const SEND_EVERY_MS = 3000;
export const SHOW_FOR_MS = 5000;

export function createTyping(element) {
  const typing = new Map(); // pseudonym -> timer
  let lastSent = 0;

  function render() {
    const names = Array.from(typing.keys());
    let text = '';
    if (names.length === 1) text = t('chat.typingOne', { name: names[0] });
    else if (names.length === 2) text = t('chat.typingTwo', { first: names[0], second: names[1] });
    else if (names.length > 2) text = t('chat.typingMany', { count: names.length });
    element.textContent = text;
  }

  function stop(pseudonym) {
    if (!typing.has(pseudonym)) return;
    clearTimeout(typing.get(pseudonym));
    typing.delete(pseudonym);
    render();
  }

  document.addEventListener('langchange', render);

  return {
    /** A ``typing`` frame from the server. */
    seen(member) {
      if (!member || !member.pseudonym) return;
      clearTimeout(typing.get(member.pseudonym));
      typing.set(member.pseudonym, setTimeout(() => stop(member.pseudonym), SHOW_FOR_MS));
      render();
    },
    /** Their message came: they are done typing. */
    stop,
    clear() {
      for (const timer of typing.values()) clearTimeout(timer);
      typing.clear();
      lastSent = 0;
      render();
    },
    /** The teen typed in the box: tell the room, at most once per SEND_EVERY_MS. */
    typed(connection, text) {
      const now = Date.now();
      if (!text.trim() || now - lastSent < SEND_EVERY_MS) return;
      if (connection.typing()) lastSent = now;
    },
    /** The teen sent: the next keystroke may say "typing" again at once. */
    sent() { lastSent = 0; },
  };
}
