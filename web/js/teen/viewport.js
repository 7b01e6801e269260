// The chat fills the screen the teen can see: header and message box fixed, the list between them
// scrolls. ``100dvh`` covers the browser's own bars; the on-screen keyboard only shrinks the visual
// viewport (iOS leaves the layout viewport as it is), so its height becomes --app-height and the
// message box stays above the keyboard.
export function fitChatToScreen() {
  const viewport = window.visualViewport;
  const root = document.documentElement;
  if (!viewport) return;
  const fit = () => {
    root.style.setProperty('--app-height', `${Math.round(viewport.height)}px`);
    // iOS scrolls the page to show the focused box; the page itself should never scroll in the chat.
    if (document.body.classList.contains('in-chat') && window.scrollY) window.scrollTo(0, 0);
  };
  viewport.addEventListener('resize', fit);
  viewport.addEventListener('scroll', fit);
  fit();
}

/** Only the chat is pinned to the screen; the other views scroll as pages do. */
export function setInChat(inChat) {
  document.body.classList.toggle('in-chat', inChat);
}
