import type { PersonalSampleSummary, Result, ResponseOf } from '../../../shared/ipc/contract';
import type { TegakiApi } from '../../../shared/ipc/api';
import type { Stroke } from '../../../digits/preprocess/strokes';

export interface PersonalState {
  /** Samples per digit 0..9. */
  counts: readonly number[];
  /** Oldest first, as the set keeps them. */
  samples: readonly PersonalSampleSummary[];
  loaded: boolean;
  error: string | undefined;
}

const NO_COUNTS: readonly number[] = new Array<number>(10).fill(0);

/**
 * The person's corrected drawings as the main process last reported them. Every change
 * goes through the backend and comes back as 'personal:changed', so the Draw screen's
 * corrections and the samples view stay in step.
 */
export class PersonalStore {
  private state: PersonalState = { counts: NO_COUNTS, samples: [], loaded: false, error: undefined };
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly api: Pick<TegakiApi, 'personal'>) {}

  /** Loads the set and follows changes; idempotent. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.api.personal.onChanged(() => void this.refresh());
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const result = await this.api.personal.list();
    if (result.ok)
      this.set({ counts: result.value.counts, samples: result.value.samples, loaded: true, error: undefined });
    else this.set({ ...this.state, loaded: true, error: result.error.message });
  }

  async add(strokes: Stroke[], label: number): Promise<Result<ResponseOf<'personal:add'>>> {
    const result = await this.api.personal.add(strokes, label);
    if (result.ok) {
      const known = this.state.samples.some((s) => s.id === result.value.sample.id);
      this.set({
        ...this.state,
        counts: result.value.counts,
        samples: known ? this.state.samples : [...this.state.samples, result.value.sample],
      });
    }
    return result;
  }

  async delete(id: string): Promise<Result<ResponseOf<'personal:delete'>>> {
    const result = await this.api.personal.delete(id);
    if (result.ok)
      this.set({ ...this.state, counts: result.value.counts, samples: this.state.samples.filter((s) => s.id !== id) });
    return result;
  }

  export(): Promise<Result<ResponseOf<'personal:export'>>> {
    return this.api.personal.export();
  }

  async import(file: { fileName: string; text: string }): Promise<Result<ResponseOf<'personal:import'>>> {
    const result = await this.api.personal.import(file);
    if (result.ok) await this.refresh();
    return result;
  }

  getSnapshot = (): PersonalState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(next: PersonalState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
