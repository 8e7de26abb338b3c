export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Messages the person should see (a model fell back to the default, an export saved...). */
export class NoticeStore {
  private notices: readonly Notice[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  push(level: Notice['level'], message: string): void {
    this.notices = [...this.notices, { id: this.nextId++, level, message }].slice(-5);
    this.emit();
  }

  dismiss(id: number): void {
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
