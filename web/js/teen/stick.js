// The message list as messaging apps keep it: at the newest message unless the reader scrolled up
// to read back. Then nothing jumps; a pill says how many came meanwhile, and a tap brings them in.
// The private talk's list (private.js) keeps to its newest the same way, without a pill.
import { t } from '../i18n.js';

const NEAR_BOTTOM_PX = 48; // a reader this close to the end still counts as "at the newest"

export class StickyList {
  /**
   * @param {HTMLElement} list  the scrolling list
   * @param {HTMLButtonElement | null} pill  "N nye beskeder", if the list has one
   */
  constructor(list, pill = null) {
    this.list = list;
    this.pill = pill;
    this.stuck = true;
    this.unseen = 0;
    list.addEventListener('scroll', () => {
      this.stuck = this.distance() < NEAR_BOTTOM_PX;
      if (this.stuck) this.setUnseen(0);
    }, { passive: true });
    // The box grows, a notice appears, the keyboard opens: whoever was at the newest stays there.
    this.resizes = new ResizeObserver(() => { if (this.stuck) this.toBottom(); });
    this.resizes.observe(list);
    pill?.addEventListener('click', () => {
      this.toBottom();
      list.focus({ preventScroll: true });
    });
    document.addEventListener('langchange', () => this.setUnseen(this.unseen));
  }

  distance() { return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight; }

  /** After each render: follow the newest, if that is where the reader is. */
  afterRender() {
    if (this.stuck) this.toBottom();
  }

  /** Someone else's message arrived (before it is rendered). */
  arrived() {
    if (!this.stuck) this.setUnseen(this.unseen + 1);
  }

  toBottom() {
    this.stuck = true;
    this.list.scrollTop = this.list.scrollHeight;
    this.setUnseen(0);
  }

  /** A new chat: start at the newest, with nothing unseen. */
  reset() {
    this.stuck = true;
    this.setUnseen(0);
  }

  setUnseen(count) {
    this.unseen = count;
    if (!this.pill) return;
    this.pill.hidden = count === 0;
    if (count) this.pill.textContent = t(count === 1 ? 'chat.newMessage' : 'chat.newMessages', { count });
  }
}
