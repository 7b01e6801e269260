// A chat feature: a part of the page that rides on a chat's connection and lives from what its
// `joined` and `frame` events say (the check-in, rounds). The teen is in one chat at a time; a
// mentor has several open in tabs and sees the one on screen. Both follow a connection from
// attach to detach in the same way, so that way lives here once.

/**
 * Listen to a chat connection's `joined` and `frame` events (each handler gets the event's detail).
 * @returns {() => void} stops listening
 */
export function followChat(connection, { joined, frame }) {
  const onJoined = (event) => joined(event.detail);
  const onFrame = (event) => frame(event.detail);
  connection.addEventListener('joined', onJoined);
  connection.addEventListener('frame', onFrame);
  return () => {
    connection.removeEventListener('joined', onJoined);
    connection.removeEventListener('frame', onFrame);
  };
}

/**
 * The teen's side: the one chat the teen is in. The feature keeps its own state; ``attached`` and
 * ``detached`` start it afresh with each chat (and draw it). ``connection()`` is the chat's
 * connection while there is one, for what the feature sends.
 */
export function oneChat({ joined, frame, attached, detached }) {
  let connection = null;
  let stop = () => {};

  function attach(chatConnection) {
    connection = chatConnection;
    stop = followChat(chatConnection, { joined, frame });
    attached(chatConnection);
  }

  function detach() {
    stop();
    stop = () => {};
    connection = null;
    detached();
  }

  return { attach, detach, connection: () => connection };
}

/**
 * The mentor's side: every open chat keeps its own value from its start (``empty`` until told
 * otherwise), so it is there when its tab is shown. ``joined(detail, value)`` and
 * ``frame(frame, value)`` return the chat's next value, or `undefined` when it did not change.
 * ``show(connection, value)`` puts a chat on screen (null, ``empty``: none is); ``changed(connection,
 * value)`` says the value of the chat on screen changed (by default the same as showing it again).
 */
export function eachChat({ empty = null, joined, frame, show, changed = show }) {
  const chats = new Map(); // connection -> {value, stop}
  let shown = null;

  const valueOf = (connection) => (chats.has(connection) ? chats.get(connection).value : empty);

  /** Give a chat its next value; drawn at once if it is on screen. */
  function set(connection, value) {
    const chat = chats.get(connection);
    if (!chat || value === undefined) return;
    chat.value = value;
    if (connection === shown) changed(connection, value);
  }

  /** Follow a chat's connection from its start. */
  function attach(connection) {
    if (chats.has(connection)) return;
    const chat = { value: empty };
    chat.stop = followChat(connection, {
      joined: (detail) => set(connection, joined(detail, chat.value)),
      frame: (detail) => set(connection, frame(detail, chat.value)),
    });
    chats.set(connection, chat);
  }

  /** The chat on screen changed (or none is: null). */
  function showChat(connection) {
    shown = connection;
    show(connection, connection ? valueOf(connection) : empty);
  }

  function detach(connection) {
    chats.get(connection)?.stop();
    chats.delete(connection);
    if (shown === connection) showChat(null);
  }

  return { attach, show: showChat, detach, set, valueOf };
}
