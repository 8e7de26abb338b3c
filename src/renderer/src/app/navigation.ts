export type TabId = 'draw' | 'network' | 'samples' | 'train' | 'report' | 'models' | 'settings';
export const tabIds: readonly TabId[] = ['draw', 'network', 'samples', 'train', 'report', 'models', 'settings'];

export interface NavigationState {
  tab: TabId;
  /** The model the report shows, and the one beside it, if any. */
  reportModelId: string | undefined;
  compareModelId: string | undefined;
}

/** Which screen is showing; plain data so a finished training job can open its report. */
export class NavigationStore {
  private state: NavigationState = { tab: 'draw', reportModelId: undefined, compareModelId: undefined };
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): NavigationState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  show(tab: TabId): void {
    this.update({ tab });
  }

  openReport(modelId: string, compareModelId?: string): void {
    this.update({ tab: 'report', reportModelId: modelId, compareModelId });
  }

  setReportModels(reportModelId: string | undefined, compareModelId: string | undefined): void {
    this.update({ reportModelId, compareModelId });
  }

  private update(patch: Partial<NavigationState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
