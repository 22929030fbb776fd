const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Spinner {
  start(label: string): void;
  stop(): void;
}

/**
 * A one-line progress indicator on a terminal (prefill on a CPU can take minutes, and silence
 * looks like a hang). On a pipe it draws nothing.
 */
export function createSpinner(stream: NodeJS.WriteStream, enabled: boolean): Spinner {
  let timer: NodeJS.Timeout | undefined;
  let startedAt = 0;
  let frame = 0;
  let label = '';
  const draw = () => {
    const seconds = Math.floor((Date.now() - startedAt) / 1000);
    stream.write(`\r\u001b[2K${FRAMES[frame % FRAMES.length] ?? ''} ${label} ${seconds}s`);
    frame += 1;
  };
  return {
    start(newLabel) {
      if (!enabled) return;
      this.stop();
      label = newLabel;
      startedAt = Date.now();
      frame = 0;
      draw();
      timer = setInterval(draw, 120);
      timer.unref();
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      stream.write('\r\u001b[2K');
    },
  };
}
