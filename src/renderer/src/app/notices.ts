export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** How long a confirmation stays; warnings and errors stay until dismissed. */
export const INFO_NOTICE_MS = 5000;

/** Messages the person should see (a model fell back to the default, an export saved...). */
export class NoticeStore {
  private notices: readonly Notice[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly setTimer: (callback: () => void, ms: number) => unknown = (callback, ms) =>
      setTimeout(callback, ms),
  ) {}

  push(level: Notice['level'], message: string): void {
    const id = this.nextId++;
    this.notices = [...this.notices, { id, level, message }].slice(-5);
    this.emit();
    // Confirmations ("Saved as a 4") would otherwise pile up over the screen.
    if (level === 'info') this.setTimer(() => this.dismiss(id), INFO_NOTICE_MS);
  }

  dismiss(id: number): void {
    if (!this.notices.some((n) => n.id === id)) return;
    this.notices = this.notices.filter((n) => n.id !== id);
    this.emit();
  }

  getSnapshot = (): readonly Notice[] => this.notices;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
