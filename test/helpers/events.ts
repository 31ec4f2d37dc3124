/** Reads a Server-Sent Events response into parsed frames. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const frames: SseFrame[] = [];
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      buffer += value;
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const frame: SseFrame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else {
            const [k, ...v] = line.split(': ');
            if (k === 'id' || k === 'event' || k === 'data') frame[k] = v.join(': ');
          }
        }
        frames.push(frame);
      }
    }
    ended = true;
  })();
  return {
    frames,
    get ended() {
      return ended;
    },
    /** Resolves when `predicate` holds for the frames received so far. */
    async until(predicate: (frames: SseFrame[]) => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(frames)) {
        if (Date.now() > deadline) throw new Error(`SSE condition not met; frames: ${JSON.stringify(frames)}`);
        if (ended) throw new Error(`SSE stream ended; frames: ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
    done: pump,
  };
}
