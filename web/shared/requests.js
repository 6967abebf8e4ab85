// How both Web Workers (the generator's and the code cell's) take the page's requests: one at a
// time, in the order sent, so a request sent while an earlier one runs (a generate during init)
// waits for it. A failure is posted back as {type: "error", id, stage, message} and the next
// request still runs.

/** Route each message to handlers[message.type]; `post` sends a reply, `describe` words an error. */
export function serveInOrder(handlers, post, describe) {
  let queue = Promise.resolve();
  self.onmessage = (event) => {
    const message = event.data;
    queue = queue.then(async () => {
      try {
        const handler = handlers[message.type];
        if (!handler) throw new Error(`unknown message type ${message.type}`);
        await handler(message);
      } catch (err) {
        post({ type: "error", id: message.id ?? null, stage: message.type, message: describe(err) });
      }
    });
  };
}
